// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title The registry of codes that identify records
/// @notice Every identifier in use (ISIN, the association's fund code, a vendor's code, the
/// platform's own fund code, a BIC) is a (namespace, value) pair pointing to exactly one record: an
/// institution, a fund or a security. Funds, securities and institutions share this one mechanism.
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
        string description;
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

    error CodeRegistryNamespaceExists(bytes32 namespace);
    error CodeRegistryUnknownNamespace(bytes32 namespace);
    error CodeRegistryEmptyValue(bytes32 namespace);
    error CodeRegistryInvalidTarget(RecordKind kind, bytes32 recordId);
    error CodeRegistryCodeTaken(bytes32 namespace, bytes32 value, RecordKind kind, bytes32 recordId);
    error CodeRegistryUnknownCode(bytes32 namespace, bytes32 value);
    error CodeRegistryPermanentCode(bytes32 namespace, bytes32 value);
    error CodeRegistryBatchTooLarge(uint256 size, uint256 maxSize);

    event NamespaceRegistered(bytes32 indexed namespace, bool permanent, string description);
    event CodeLinked(bytes32 indexed namespace, bytes32 indexed value, RecordKind kind, bytes32 indexed recordId);
    event CodeUnlinked(bytes32 indexed namespace, bytes32 indexed value, RecordKind kind, bytes32 indexed recordId);

    /// @notice Open a namespace of codes (the operator or a code registrar).
    /// @param namespace Its name as ASCII in a bytes32, e.g. "ISIN".
    /// @param permanent When true, a code once linked is never unlinked or reused.
    /// @param description What the codes are, for people.
    function registerNamespace(bytes32 namespace, bool permanent, string calldata description) external;

    /// @notice Point a code at a record; the code must be free.
    /// @param namespace A registered namespace.
    /// @param value The code, ASCII in a bytes32.
    /// @param kind The kind of record.
    /// @param recordId The record's id within its kind (its last byte must be zero).
    function link(bytes32 namespace, bytes32 value, RecordKind kind, bytes32 recordId) external;

    /// @notice Point several codes at one record, all or none.
    /// @param codes At most MAX_BATCH free codes.
    /// @param kind The kind of record.
    /// @param recordId The record's id within its kind.
    function linkAll(Code[] calldata codes, RecordKind kind, bytes32 recordId) external;

    /// @notice Free a code (not in a permanent namespace).
    /// @param namespace The code's namespace.
    /// @param value The code.
    function unlink(bytes32 namespace, bytes32 value) external;

    /// @notice The namespace's settings.
    /// @param namespace The namespace.
    /// @return The namespace (registered is false when unknown).
    function getNamespace(bytes32 namespace) external view returns (Namespace memory);

    /// @notice Whether a namespace is open.
    /// @param namespace The namespace.
    /// @return True once registered.
    function isNamespace(bytes32 namespace) external view returns (bool);

    /// @notice The record a code points to.
    /// @param namespace The namespace.
    /// @param value The code.
    /// @return The target; reverts with {CodeRegistryUnknownCode} when the code is free.
    function resolve(bytes32 namespace, bytes32 value) external view returns (CodeTarget memory);
}
