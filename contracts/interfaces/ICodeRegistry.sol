// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IParticipantRegistry} from "./IParticipantRegistry.sol";

/// @title The registry of codes that identify records
/// @notice Every identifier in use (ISIN, the association's fund code, a vendor's code, the
/// platform's own fund code, a BIC) is a (namespace, value) pair pointing to exactly one record: an
/// institution, a fund or a security. Funds, securities and institutions share this one mechanism.
///
/// Each namespace has owners: its linkers, the accounts (the registry contracts of funds and of
/// securities) that may link codes in it, each for one kind of record and on behalf of
/// institutions of the types it names. A linker says for which institution it links, and that
/// institution must be active and of an allowed type; in a namespace of one institution's own
/// (`AM/<LEI>`), only for that institution. A permanent namespace has one linker, a contract, for
/// good, and its codes are never freed. A code is freed only by the platform operator (governance
/// later), with a reason on the record.
/// @dev A code costs one storage slot; the codes of a record are read back from the events.
interface ICodeRegistry {
    /// @notice The kind of record a code points to.
    enum RecordKind {
        None,
        Institution,
        Fund,
        Security
    }

    /// @notice A namespace of codes.
    struct Namespace {
        bool registered;
        bool permanent;
        // the institution whose own namespace it is (linked on its behalf only), or zero
        bytes20 owner;
        string description;
    }

    /// @notice What a linker may do in a namespace.
    struct Linker {
        // the kind of record it links (None: it may not link there)
        RecordKind kind;
        // bit t set: it links on behalf of institutions of IParticipantRegistry.InstitutionType t
        uint16 institutionTypes;
    }

    /// @notice A linker named when a namespace is registered.
    struct LinkerSetting {
        address account;
        RecordKind kind;
        uint16 institutionTypes;
    }

    /// @notice Where a code points.
    struct CodeTarget {
        RecordKind kind;
        bytes32 recordId;
    }

    /// @notice A (namespace, value) pair.
    struct Code {
        bytes32 namespace;
        bytes32 value;
    }

    /// @notice The namespace is registered already.
    /// @param namespace The namespace.
    error CodeRegistryNamespaceExists(bytes32 namespace);
    /// @notice No such namespace is registered.
    /// @param namespace The namespace.
    error CodeRegistryUnknownNamespace(bytes32 namespace);
    /// @notice Not a name the call may register: zero, a name with a '/' registered by the
    /// operator (those are opened by their parent's linkers), or one without a parent and suffix.
    /// @param namespace The name.
    error CodeRegistryInvalidNamespace(bytes32 namespace);
    /// @notice A code's value is zero.
    /// @param namespace The namespace it was to be linked in.
    error CodeRegistryEmptyValue(bytes32 namespace);
    /// @notice A code would point to no record, or to a record id whose last byte is not zero.
    /// @param kind The kind of record.
    /// @param recordId The record id.
    error CodeRegistryInvalidTarget(RecordKind kind, bytes32 recordId);
    /// @notice The code points to another record of the same kind already.
    /// @param namespace The namespace.
    /// @param value The code.
    /// @param kind The kind of the record holding it.
    /// @param recordId The record holding it.
    error CodeRegistryCodeTaken(bytes32 namespace, bytes32 value, RecordKind kind, bytes32 recordId);
    /// @notice The code points to a record of another kind, kept by another registry (a
    /// security's ISIN in the security master, asked for a fund; a fund's ISIN asked for a
    /// security): neither registry takes the other's.
    /// @param namespace The namespace.
    /// @param value The code.
    /// @param heldKind The kind of the record holding it.
    /// @param heldRecordId The record holding it.
    /// @param kind The kind of the record it was asked for.
    /// @param recordId The record it was asked for.
    error CodeRegistryCodeHeldByOtherKind(
        bytes32 namespace, bytes32 value, RecordKind heldKind, bytes32 heldRecordId, RecordKind kind, bytes32 recordId
    );
    /// @notice The code points to no record.
    /// @param namespace The namespace.
    /// @param value The code.
    error CodeRegistryUnknownCode(bytes32 namespace, bytes32 value);
    /// @notice The code is in a permanent namespace: never freed.
    /// @param namespace The namespace.
    /// @param value The code.
    error CodeRegistryPermanentCode(bytes32 namespace, bytes32 value);
    /// @notice The batch holds more codes than one call takes.
    /// @param size Codes given.
    /// @param maxSize Most codes one call takes.
    error CodeRegistryBatchTooLarge(uint256 size, uint256 maxSize);
    /// @notice `account` may not link records of `kind` in the namespace (or open a namespace under
    /// it, `kind` None): it is not one of the namespace's linkers for that kind.
    /// @param namespace The namespace.
    /// @param account The caller.
    /// @param kind The kind of record asked for.
    error CodeRegistryNotLinker(bytes32 namespace, address account, RecordKind kind);
    /// @notice The linker may not link on behalf of an institution of this type in the namespace.
    /// @param namespace The namespace.
    /// @param institution The institution the code was linked for.
    /// @param institutionType Its type.
    error CodeRegistryInstitutionTypeNotAllowed(
        bytes32 namespace, bytes20 institution, IParticipantRegistry.InstitutionType institutionType
    );
    /// @notice The institution a code was linked for is not active (suspended, or unknown).
    /// @param institution The institution.
    /// @param status Its status (None when unknown).
    error CodeRegistryInstitutionNotActive(bytes20 institution, IParticipantRegistry.InstitutionStatus status);
    /// @notice The namespace is one institution's own; codes are linked there for it alone.
    /// @param namespace The namespace.
    /// @param owner The institution whose namespace it is.
    /// @param institution The institution the code was linked for.
    error CodeRegistryNotNamespaceOwner(bytes32 namespace, bytes20 owner, bytes20 institution);
    /// @notice The linkers of a permanent namespace are fixed at its registration.
    /// @param namespace The namespace.
    error CodeRegistryPermanentNamespace(bytes32 namespace);
    /// @notice A permanent namespace has exactly one linker, a contract (its own registry): never
    /// a key that could link in it directly.
    /// @param namespace The namespace.
    /// @param account The linker named (zero when none or several were named).
    error CodeRegistryPermanentLinker(bytes32 namespace, address account);
    /// @notice A linker setting that cannot be: a zero account, kind None with institution types
    /// (or a kind without any), or a type bit that is no institution type.
    /// @param namespace The namespace.
    /// @param account The linker.
    /// @param kind The kind of record.
    /// @param institutionTypes The institution types, one bit each.
    error CodeRegistryInvalidLinker(bytes32 namespace, address account, RecordKind kind, uint16 institutionTypes);
    /// @notice More linkers than one namespace registration takes.
    /// @param count Linkers given.
    /// @param maxCount Most linkers one registration takes.
    error CodeRegistryTooManyLinkers(uint256 count, uint256 maxCount);
    /// @notice A code is freed only with a reason, for the record.
    /// @param namespace The namespace.
    /// @param value The code.
    error CodeRegistryEmptyReason(bytes32 namespace, bytes32 value);

    /// @notice A namespace was registered.
    /// @param namespace Its name.
    /// @param permanent Whether its codes are never freed.
    /// @param owner The institution whose own namespace it is, or zero.
    /// @param description What its codes are, for people.
    event NamespaceRegistered(bytes32 indexed namespace, bool permanent, bytes20 owner, string description);
    /// @notice A linker of a namespace was named, changed or (kind None) removed.
    /// @param namespace The namespace.
    /// @param account The linker.
    /// @param kind The kind of record it links (None: removed).
    /// @param institutionTypes The institution types it links for, one bit each.
    event NamespaceLinkerSet(bytes32 indexed namespace, address indexed account, RecordKind kind, uint16 institutionTypes);
    /// @notice A code was linked to a record.
    /// @param namespace The namespace.
    /// @param value The code.
    /// @param kind The kind of record.
    /// @param recordId The record.
    /// @param institution The institution it was linked for (by the linker that called).
    event CodeLinked(
        bytes32 indexed namespace, bytes32 indexed value, RecordKind kind, bytes32 indexed recordId, bytes20 institution
    );
    /// @notice A code was freed by the platform operator, with the reason.
    /// @param namespace The namespace.
    /// @param value The code.
    /// @param kind The kind of the record it pointed to.
    /// @param recordId The record it pointed to.
    /// @param by The account that freed it.
    /// @param reason Why (a squatted code, a mistake), for the record.
    event CodeUnlinked(
        bytes32 indexed namespace, bytes32 indexed value, RecordKind kind, bytes32 indexed recordId, address by, string reason
    );

    /// @notice Register a top-level namespace with its linkers (OPERATOR_ROLE, its institution
    /// active). A permanent one takes exactly one linker, a contract, fixed for good.
    /// @param namespace Its name as ASCII in a bytes32, e.g. "ISIN"; no '/' (see {openSubNamespace}).
    /// @param permanent When true, a code once linked is never freed or reused.
    /// @param description What the codes are, for people.
    /// @param linkers Who may link in it, for which kind of record and institution types (at most
    /// MAX_LINKERS; none: nobody links until the operator names one).
    function registerNamespace(
        bytes32 namespace,
        bool permanent,
        string calldata description,
        LinkerSetting[] calldata linkers
    ) external;

    /// @notice Open `<parent>/<suffix>` (a linker of the parent holding CODE_REGISTRAR_ROLE, e.g.
    /// the FundRegistry opening `AM/<LEI>`): the caller becomes its only linker, with its kind and
    /// institution types in the parent; the parent's permanence carries over.
    /// @param namespace The name: a registered parent, '/', a suffix.
    /// @param owner The institution whose own namespace it is (an active one of a type the caller
    /// links for), or zero for one shared by all.
    /// @param description What the codes are, for people.
    function openSubNamespace(bytes32 namespace, bytes20 owner, string calldata description) external;

    /// @notice Name, change or (kind None, no types) remove a linker of a namespace that is not
    /// permanent (OPERATOR_ROLE, its institution active).
    /// @param namespace A registered namespace, not permanent.
    /// @param account The linker.
    /// @param kind The kind of record it links, or None to remove it.
    /// @param institutionTypes The institution types it links for, one bit each (bit t: type t).
    function setLinker(bytes32 namespace, address account, RecordKind kind, uint16 institutionTypes) external;

    /// @notice Point a code at a record on behalf of `institution` (a linker of the namespace for
    /// this kind, holding CODE_REGISTRAR_ROLE); the code must be free.
    /// @param namespace A registered namespace.
    /// @param value The code, ASCII in a bytes32.
    /// @param kind The kind of record.
    /// @param recordId The record's id within its kind (its last byte must be zero).
    /// @param institution The institution the code is linked for: active, of a type the linker
    /// links for, and the namespace's owner when it has one.
    function link(bytes32 namespace, bytes32 value, RecordKind kind, bytes32 recordId, bytes20 institution)
        external;

    /// @notice Point several codes at one record on behalf of `institution`, all or none (as {link}).
    /// @param codes At most MAX_BATCH free codes.
    /// @param kind The kind of record.
    /// @param recordId The record's id within its kind.
    /// @param institution The institution the codes are linked for.
    function linkAll(Code[] calldata codes, RecordKind kind, bytes32 recordId, bytes20 institution) external;

    /// @notice Free a code, not in a permanent namespace, with the reason on the record (the
    /// platform operator, OPERATOR_ROLE with its institution active; governance replaces it): the
    /// way to undo a squatted code, which its rightful record then links.
    /// @param namespace The code's namespace.
    /// @param value The code.
    /// @param reason Why, for the record; not empty.
    function unlink(bytes32 namespace, bytes32 value, string calldata reason) external;

    /// @notice The namespace's settings.
    /// @param namespace The namespace.
    /// @return The namespace (registered is false when unknown).
    function getNamespace(bytes32 namespace) external view returns (Namespace memory);

    /// @notice Whether a namespace is open.
    /// @param namespace The namespace.
    /// @return True once registered.
    function isNamespace(bytes32 namespace) external view returns (bool);

    /// @notice What `account` may link in a namespace.
    /// @param namespace The namespace.
    /// @param account The account.
    /// @return The kind of record and the institution types (kind None: it may not link there).
    function linkerOf(bytes32 namespace, address account) external view returns (Linker memory);

    /// @notice The record a code points to.
    /// @param namespace The namespace.
    /// @param value The code.
    /// @return The target; reverts with {CodeRegistryUnknownCode} when the code is free.
    function resolve(bytes32 namespace, bytes32 value) external view returns (CodeTarget memory);
}
