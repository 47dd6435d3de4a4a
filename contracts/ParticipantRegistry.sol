// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {Lei} from "./libraries/Lei.sol";
import {Roles} from "./libraries/Roles.sol";
import {PlatformControlled} from "./PlatformControlled.sol";

/// @title ParticipantRegistry
/// @notice Institutions of B-POST, their operator addresses and public encryption keys. The
/// platform operator admits, renames and suspends; an institution may rotate its own key.
/// @dev Later issues extend an institution (corporate information) in contracts keyed by its LEI.
contract ParticipantRegistry is PlatformControlled, IParticipantRegistry {
    /// @notice Most operator addresses one institution may have.
    uint256 public constant MAX_OPERATORS = 16;
    /// @notice Longest legal name, in bytes of UTF-8.
    uint256 public constant MAX_NAME_LENGTH = 200;

    mapping(bytes20 lei => Institution) private _institutions;
    mapping(bytes20 lei => address[]) private _operators;
    mapping(address account => bytes20 lei) private _institutionOf;
    mapping(address account => uint256 position) private _operatorPosition; // index + 1
    bytes20[] private _leis;

    /// @param access_ The deployed PlatformAccess.
    constructor(IPlatformAccess access_) PlatformControlled(access_) {}

    /// @inheritdoc IParticipantRegistry
    function registerInstitution(
        bytes20 lei,
        InstitutionType kind,
        string calldata legalName,
        bytes calldata encryptionKey,
        address[] calldata operators
    ) external onlyPlatformRole(Roles.OPERATOR) {
        if (!Lei.isValid(lei)) revert ParticipantRegistryInvalidLei(lei);
        if (kind == InstitutionType.None) revert ParticipantRegistryInvalidType(kind);
        _checkName(legalName);
        _checkKey(encryptionKey);
        if (_institutions[lei].status != InstitutionStatus.None) revert ParticipantRegistryAlreadyRegistered(lei);
        if (operators.length > MAX_OPERATORS) revert ParticipantRegistryTooManyOperators(operators.length, MAX_OPERATORS);

        uint64 now_ = uint64(block.timestamp);
        _institutions[lei] = Institution({
            lei: lei,
            kind: kind,
            status: InstitutionStatus.Active,
            version: 1,
            registeredAt: now_,
            updatedAt: now_,
            legalName: legalName,
            encryptionKey: encryptionKey
        });
        _leis.push(lei);
        emit InstitutionRegistered(lei, kind, legalName, encryptionKey);
        for (uint256 i = 0; i < operators.length; ++i) {
            _bindOperator(lei, operators[i]);
        }
    }

    /// @inheritdoc IParticipantRegistry
    function renameInstitution(bytes20 lei, string calldata legalName) external onlyPlatformRole(Roles.OPERATOR) {
        Institution storage inst = _existing(lei);
        _checkName(legalName);
        inst.legalName = legalName;
        uint32 version = _touch(inst);
        emit InstitutionRenamed(lei, legalName, version);
    }

    /// @inheritdoc IParticipantRegistry
    function setEncryptionKey(bytes20 lei, bytes calldata encryptionKey) external {
        _requireNotPaused();
        bool operator = _hasPlatformRole(Roles.OPERATOR, msg.sender);
        // The caller's authority first: its own institution's key, or the operator.
        if (!operator && _institutionOf[msg.sender] != lei) revert ParticipantRegistryNotAllowed(msg.sender, lei);
        Institution storage inst = _existing(lei);
        if (!operator && inst.status != InstitutionStatus.Active) revert ParticipantRegistryNotAllowed(msg.sender, lei);
        _checkKey(encryptionKey);
        inst.encryptionKey = encryptionKey;
        uint32 version = _touch(inst);
        emit EncryptionKeyChanged(lei, encryptionKey, version);
    }

    /// @inheritdoc IParticipantRegistry
    function addOperator(bytes20 lei, address account) external onlyPlatformRole(Roles.OPERATOR) {
        _existing(lei);
        if (_operators[lei].length >= MAX_OPERATORS) {
            revert ParticipantRegistryTooManyOperators(_operators[lei].length + 1, MAX_OPERATORS);
        }
        _bindOperator(lei, account);
    }

    /// @inheritdoc IParticipantRegistry
    function removeOperator(bytes20 lei, address account) external onlyPlatformRole(Roles.OPERATOR) {
        _existing(lei);
        if (_institutionOf[account] != lei) revert ParticipantRegistryNotOperatorOf(account, lei);
        address[] storage list = _operators[lei];
        uint256 index = _operatorPosition[account] - 1;
        address last = list[list.length - 1];
        list[index] = last;
        _operatorPosition[last] = index + 1;
        list.pop();
        delete _operatorPosition[account];
        delete _institutionOf[account];
        emit OperatorRemoved(lei, account);
    }

    /// @inheritdoc IParticipantRegistry
    function suspendInstitution(bytes20 lei, string calldata reason) external onlyPlatformRole(Roles.OPERATOR) {
        Institution storage inst = _existing(lei);
        if (inst.status == InstitutionStatus.Suspended) revert ParticipantRegistryAlreadySuspended(lei);
        inst.status = InstitutionStatus.Suspended;
        uint32 version = _touch(inst);
        emit InstitutionSuspended(lei, reason, version);
    }

    /// @inheritdoc IParticipantRegistry
    function reinstateInstitution(bytes20 lei) external onlyPlatformRole(Roles.OPERATOR) {
        Institution storage inst = _existing(lei);
        if (inst.status != InstitutionStatus.Suspended) revert ParticipantRegistryNotSuspended(lei);
        inst.status = InstitutionStatus.Active;
        uint32 version = _touch(inst);
        emit InstitutionReinstated(lei, version);
    }

    /// @inheritdoc IParticipantRegistry
    function getInstitution(bytes20 lei) external view returns (Institution memory) {
        return _existing(lei);
    }

    /// @inheritdoc IParticipantRegistry
    function statusOf(bytes20 lei) external view returns (InstitutionType kind, InstitutionStatus status) {
        Institution storage inst = _institutions[lei];
        return (inst.kind, inst.status);
    }

    /// @inheritdoc IParticipantRegistry
    function institutionOf(address account) external view returns (bytes20) {
        return _institutionOf[account];
    }

    /// @inheritdoc IParticipantRegistry
    function isActiveOperator(address account) external view returns (bool) {
        bytes20 lei = _institutionOf[account];
        return lei != bytes20(0) && _institutions[lei].status == InstitutionStatus.Active;
    }

    /// @inheritdoc IParticipantRegistry
    function operatorsOf(bytes20 lei) external view returns (address[] memory) {
        _existing(lei);
        return _operators[lei];
    }

    /// @inheritdoc IParticipantRegistry
    function institutionCount() external view returns (uint256) {
        return _leis.length;
    }

    /// @inheritdoc IParticipantRegistry
    function institutionAt(uint256 index) external view returns (bytes20) {
        return _leis[index];
    }

    function _bindOperator(bytes20 lei, address account) private {
        if (account == address(0)) revert ParticipantRegistryZeroAddress();
        bytes20 bound = _institutionOf[account];
        if (bound != bytes20(0)) revert ParticipantRegistryOperatorTaken(account, bound);
        _operators[lei].push(account);
        _operatorPosition[account] = _operators[lei].length;
        _institutionOf[account] = lei;
        emit OperatorAdded(lei, account);
    }

    function _existing(bytes20 lei) private view returns (Institution storage inst) {
        inst = _institutions[lei];
        if (inst.status == InstitutionStatus.None) revert ParticipantRegistryUnknownInstitution(lei);
    }

    function _touch(Institution storage inst) private returns (uint32 version) {
        version = inst.version + 1;
        inst.version = version;
        inst.updatedAt = uint64(block.timestamp);
    }

    function _checkName(string calldata legalName) private pure {
        uint256 length = bytes(legalName).length;
        if (length == 0 || length > MAX_NAME_LENGTH) revert ParticipantRegistryInvalidName(length, MAX_NAME_LENGTH);
    }

    function _checkKey(bytes calldata key) private pure {
        if (key.length != 33 || (key[0] != 0x02 && key[0] != 0x03)) revert ParticipantRegistryInvalidEncryptionKey(key);
    }
}
