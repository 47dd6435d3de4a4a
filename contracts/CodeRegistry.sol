// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ICodeRegistry} from "./interfaces/ICodeRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {Roles} from "./libraries/Roles.sol";
import {PlatformControlled} from "./PlatformControlled.sol";

/// @title CodeRegistry
/// @notice (namespace, value) codes, each pointing to exactly one record. Each namespace names its
/// linkers (the registry contracts of funds and securities), the kind of record each links and
/// the institution types it links for; a linker says for which institution it links, and that
/// institution must be active, of an allowed type and, in an institution's own namespace, that
/// institution. The operator registers namespaces and names linkers; a permanent namespace's one
/// linker is fixed for good and its codes are never freed. A code taken by another registry's
/// record is refused by name ({CodeRegistryCodeHeldByOtherKind}); a squatted code is freed by the
/// operator with a reason on the record ({unlink}).
contract CodeRegistry is PlatformControlled, ICodeRegistry {
    /// @notice Most codes one {linkAll} call takes.
    uint256 public constant MAX_BATCH = 32;
    /// @notice Most linkers one {registerNamespace} call names.
    uint256 public constant MAX_LINKERS = 8;
    /// @notice The bits of `IParticipantRegistry.InstitutionType` values other than None.
    uint16 public constant INSTITUTION_TYPE_BITS = 0x03FE;

    IParticipantRegistry private immutable _participants;
    mapping(bytes32 namespace => Namespace) private _namespaces;
    mapping(bytes32 namespace => mapping(address account => Linker)) private _linkers;
    /// @dev The record id with its kind in the last byte: one storage slot per code.
    mapping(bytes32 namespace => mapping(bytes32 value => bytes32 packedTarget)) private _targets;

    /// @param access_ The deployed PlatformAccess.
    /// @param participants_ The deployed ParticipantRegistry (the institutions codes are linked for).
    constructor(IPlatformAccess access_, IParticipantRegistry participants_) PlatformControlled(access_) {
        _participants = participants_;
    }

    /// @inheritdoc ICodeRegistry
    function registerNamespace(
        bytes32 namespace,
        bool permanent,
        string calldata description,
        LinkerSetting[] calldata linkers
    ) external onlyPlatformRole(Roles.OPERATOR) {
        if (namespace == bytes32(0) || _slash(namespace) < 32) revert CodeRegistryInvalidNamespace(namespace);
        if (_namespaces[namespace].registered) revert CodeRegistryNamespaceExists(namespace);
        if (linkers.length > MAX_LINKERS) revert CodeRegistryTooManyLinkers(linkers.length, MAX_LINKERS);
        if (permanent && (linkers.length != 1 || linkers[0].account.code.length == 0)) {
            revert CodeRegistryPermanentLinker(namespace, linkers.length == 1 ? linkers[0].account : address(0));
        }
        _namespaces[namespace] =
            Namespace({registered: true, permanent: permanent, owner: bytes20(0), description: description});
        emit NamespaceRegistered(namespace, permanent, bytes20(0), description);
        for (uint256 i = 0; i < linkers.length; ++i) {
            LinkerSetting calldata setting = linkers[i];
            if (setting.kind == RecordKind.None) {
                revert CodeRegistryInvalidLinker(namespace, setting.account, setting.kind, setting.institutionTypes);
            }
            _setLinker(namespace, setting.account, setting.kind, setting.institutionTypes);
        }
    }

    /// @inheritdoc ICodeRegistry
    function openSubNamespace(bytes32 namespace, bytes20 owner, string calldata description)
        external
        onlyPlatformRole(Roles.CODE_REGISTRAR)
    {
        uint256 slash = _slash(namespace);
        if (slash == 0 || slash >= 31 || namespace[slash + 1] == bytes1(0)) {
            revert CodeRegistryInvalidNamespace(namespace);
        }
        bytes32 parent = namespace & bytes32(~(type(uint256).max >> (slash * 8)));
        Namespace storage parentNamespace = _namespaces[parent];
        if (!parentNamespace.registered) revert CodeRegistryUnknownNamespace(parent);
        Linker memory linker = _linkers[parent][msg.sender];
        if (linker.kind == RecordKind.None) revert CodeRegistryNotLinker(parent, msg.sender, RecordKind.None);
        if (_namespaces[namespace].registered) revert CodeRegistryNamespaceExists(namespace);
        if (owner != bytes20(0)) _requireType(namespace, linker, owner, _activeInstitution(owner));
        bool permanent = parentNamespace.permanent;
        _namespaces[namespace] =
            Namespace({registered: true, permanent: permanent, owner: owner, description: description});
        emit NamespaceRegistered(namespace, permanent, owner, description);
        _setLinker(namespace, msg.sender, linker.kind, linker.institutionTypes);
    }

    /// @inheritdoc ICodeRegistry
    function setLinker(bytes32 namespace, address account, RecordKind kind, uint16 institutionTypes)
        external
        onlyPlatformRole(Roles.OPERATOR)
    {
        Namespace storage ns = _namespaces[namespace];
        if (!ns.registered) revert CodeRegistryUnknownNamespace(namespace);
        if (ns.permanent) revert CodeRegistryPermanentNamespace(namespace);
        _setLinker(namespace, account, kind, institutionTypes);
    }

    /// @inheritdoc ICodeRegistry
    function link(bytes32 namespace, bytes32 value, RecordKind kind, bytes32 recordId, bytes20 institution)
        external
        onlyPlatformRole(Roles.CODE_REGISTRAR)
    {
        IParticipantRegistry.InstitutionType institutionType = _activeInstitution(institution);
        _link(namespace, value, kind, recordId, institution, institutionType);
    }

    /// @inheritdoc ICodeRegistry
    function linkAll(Code[] calldata codes, RecordKind kind, bytes32 recordId, bytes20 institution)
        external
        onlyPlatformRole(Roles.CODE_REGISTRAR)
    {
        if (codes.length > MAX_BATCH) revert CodeRegistryBatchTooLarge(codes.length, MAX_BATCH);
        IParticipantRegistry.InstitutionType institutionType = _activeInstitution(institution);
        for (uint256 i = 0; i < codes.length; ++i) {
            _link(codes[i].namespace, codes[i].value, kind, recordId, institution, institutionType);
        }
    }

    /// @inheritdoc ICodeRegistry
    function unlink(bytes32 namespace, bytes32 value, string calldata reason)
        external
        onlyPlatformRole(Roles.OPERATOR)
    {
        bytes32 packed = _targets[namespace][value];
        if (packed == bytes32(0)) revert CodeRegistryUnknownCode(namespace, value);
        if (_namespaces[namespace].permanent) revert CodeRegistryPermanentCode(namespace, value);
        if (bytes(reason).length == 0) revert CodeRegistryEmptyReason(namespace, value);
        delete _targets[namespace][value];
        (RecordKind kind, bytes32 recordId) = _unpack(packed);
        emit CodeUnlinked(namespace, value, kind, recordId, msg.sender, reason);
    }

    /// @inheritdoc ICodeRegistry
    function getNamespace(bytes32 namespace) external view returns (Namespace memory) {
        return _namespaces[namespace];
    }

    /// @inheritdoc ICodeRegistry
    function isNamespace(bytes32 namespace) external view returns (bool) {
        return _namespaces[namespace].registered;
    }

    /// @inheritdoc ICodeRegistry
    function linkerOf(bytes32 namespace, address account) external view returns (Linker memory) {
        return _linkers[namespace][account];
    }

    /// @inheritdoc ICodeRegistry
    function resolve(bytes32 namespace, bytes32 value) external view returns (CodeTarget memory target) {
        bytes32 packed = _targets[namespace][value];
        if (packed == bytes32(0)) revert CodeRegistryUnknownCode(namespace, value);
        (target.kind, target.recordId) = _unpack(packed);
    }

    function _setLinker(bytes32 namespace, address account, RecordKind kind, uint16 institutionTypes) private {
        bool none = kind == RecordKind.None;
        if (
            account == address(0) || (none ? institutionTypes != 0 : institutionTypes == 0)
                || institutionTypes & ~INSTITUTION_TYPE_BITS != 0
        ) revert CodeRegistryInvalidLinker(namespace, account, kind, institutionTypes);
        if (none) delete _linkers[namespace][account];
        else _linkers[namespace][account] = Linker({kind: kind, institutionTypes: institutionTypes});
        emit NamespaceLinkerSet(namespace, account, kind, institutionTypes);
    }

    function _link(
        bytes32 namespace,
        bytes32 value,
        RecordKind kind,
        bytes32 recordId,
        bytes20 institution,
        IParticipantRegistry.InstitutionType institutionType
    ) private {
        Namespace storage ns = _namespaces[namespace];
        if (!ns.registered) revert CodeRegistryUnknownNamespace(namespace);
        Linker memory linker = _linkers[namespace][msg.sender];
        if (kind == RecordKind.None || linker.kind != kind) revert CodeRegistryNotLinker(namespace, msg.sender, kind);
        _requireType(namespace, linker, institution, institutionType);
        bytes20 owner = ns.owner;
        if (owner != bytes20(0) && owner != institution) {
            revert CodeRegistryNotNamespaceOwner(namespace, owner, institution);
        }
        if (value == bytes32(0)) revert CodeRegistryEmptyValue(namespace);
        if (recordId == bytes32(0) || uint8(recordId[31]) != 0) revert CodeRegistryInvalidTarget(kind, recordId);
        bytes32 current = _targets[namespace][value];
        if (current != bytes32(0)) {
            (RecordKind heldKind, bytes32 heldId) = _unpack(current);
            if (heldKind != kind) {
                revert CodeRegistryCodeHeldByOtherKind(namespace, value, heldKind, heldId, kind, recordId);
            }
            revert CodeRegistryCodeTaken(namespace, value, heldKind, heldId);
        }
        _targets[namespace][value] = recordId | bytes32(uint256(kind));
        emit CodeLinked(namespace, value, kind, recordId, institution);
    }

    /// @dev The type of `institution`, which must be active.
    function _activeInstitution(bytes20 institution)
        private
        view
        returns (IParticipantRegistry.InstitutionType institutionType)
    {
        IParticipantRegistry.InstitutionStatus status;
        (institutionType, status) = _participants.statusOf(institution);
        if (status != IParticipantRegistry.InstitutionStatus.Active) {
            revert CodeRegistryInstitutionNotActive(institution, status);
        }
    }

    /// @dev `institution` is of a type `linker` links for in `namespace`.
    function _requireType(
        bytes32 namespace,
        Linker memory linker,
        bytes20 institution,
        IParticipantRegistry.InstitutionType institutionType
    ) private pure {
        if (linker.institutionTypes & (uint16(1) << uint8(institutionType)) == 0) {
            revert CodeRegistryInstitutionTypeNotAllowed(namespace, institution, institutionType);
        }
    }

    /// @dev The position of the first '/' in a name, 32 when it has none.
    function _slash(bytes32 namespace) private pure returns (uint256 i) {
        while (i < 32 && namespace[i] != "/") ++i;
    }

    function _unpack(bytes32 packed) private pure returns (RecordKind kind, bytes32 recordId) {
        kind = RecordKind(uint8(uint256(packed)));
        recordId = packed & ~bytes32(uint256(0xff));
    }
}
