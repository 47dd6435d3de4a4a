// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ICodeRegistry} from "./interfaces/ICodeRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {Roles} from "./libraries/Roles.sol";
import {PlatformControlled} from "./PlatformControlled.sol";

/// @title CodeRegistry
/// @notice (namespace, value) codes, each pointing to exactly one record. The operator and code
/// registrars open namespaces; code registrars (the registry contracts of funds and securities, and the operator's
/// staff) link and unlink codes. A code in a permanent namespace is never freed, so never reused.
contract CodeRegistry is PlatformControlled, ICodeRegistry {
    /// @notice Most codes one {linkAll} call takes.
    uint256 public constant MAX_BATCH = 32;

    mapping(bytes32 namespace => Namespace) private _namespaces;
    /// @dev The record id with its kind in the last byte: one storage slot per code.
    mapping(bytes32 namespace => mapping(bytes32 value => bytes32 packedTarget)) private _targets;

    /// @param access_ The deployed PlatformAccess.
    constructor(IPlatformAccess access_) PlatformControlled(access_) {}

    /// @inheritdoc ICodeRegistry
    function registerNamespace(bytes32 namespace, bool permanent, string calldata description) external {
        if (!_hasPlatformRole(Roles.CODE_REGISTRAR, msg.sender)) _requirePlatformRole(Roles.OPERATOR);
        _requireNotPaused();
        if (namespace == bytes32(0)) revert CodeRegistryUnknownNamespace(namespace);
        if (_namespaces[namespace].registered) revert CodeRegistryNamespaceExists(namespace);
        _namespaces[namespace] = Namespace({registered: true, permanent: permanent, description: description});
        emit NamespaceRegistered(namespace, permanent, description);
    }

    /// @inheritdoc ICodeRegistry
    function link(bytes32 namespace, bytes32 value, RecordKind kind, bytes32 recordId)
        external
        onlyPlatformRole(Roles.CODE_REGISTRAR)
    {
        _link(namespace, value, kind, recordId);
    }

    /// @inheritdoc ICodeRegistry
    function linkAll(Code[] calldata codes, RecordKind kind, bytes32 recordId)
        external
        onlyPlatformRole(Roles.CODE_REGISTRAR)
    {
        if (codes.length > MAX_BATCH) revert CodeRegistryBatchTooLarge(codes.length, MAX_BATCH);
        for (uint256 i = 0; i < codes.length; ++i) {
            _link(codes[i].namespace, codes[i].value, kind, recordId);
        }
    }

    /// @inheritdoc ICodeRegistry
    function unlink(bytes32 namespace, bytes32 value) external onlyPlatformRole(Roles.CODE_REGISTRAR) {
        bytes32 packed = _targets[namespace][value];
        if (packed == bytes32(0)) revert CodeRegistryUnknownCode(namespace, value);
        if (_namespaces[namespace].permanent) revert CodeRegistryPermanentCode(namespace, value);
        delete _targets[namespace][value];
        (RecordKind kind, bytes32 recordId) = _unpack(packed);
        emit CodeUnlinked(namespace, value, kind, recordId);
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
    function resolve(bytes32 namespace, bytes32 value) external view returns (CodeTarget memory target) {
        bytes32 packed = _targets[namespace][value];
        if (packed == bytes32(0)) revert CodeRegistryUnknownCode(namespace, value);
        (target.kind, target.recordId) = _unpack(packed);
    }

    function _link(bytes32 namespace, bytes32 value, RecordKind kind, bytes32 recordId) private {
        if (!_namespaces[namespace].registered) revert CodeRegistryUnknownNamespace(namespace);
        if (value == bytes32(0)) revert CodeRegistryEmptyValue(namespace);
        if (kind == RecordKind.None || recordId == bytes32(0) || uint8(recordId[31]) != 0) {
            revert CodeRegistryInvalidTarget(kind, recordId);
        }
        bytes32 current = _targets[namespace][value];
        if (current != bytes32(0)) {
            (RecordKind heldKind, bytes32 heldId) = _unpack(current);
            revert CodeRegistryCodeTaken(namespace, value, heldKind, heldId);
        }
        _targets[namespace][value] = recordId | bytes32(uint256(kind));
        emit CodeLinked(namespace, value, kind, recordId);
    }

    function _unpack(bytes32 packed) private pure returns (RecordKind kind, bytes32 recordId) {
        kind = RecordKind(uint8(uint256(packed)));
        recordId = packed & ~bytes32(uint256(0xff));
    }
}
