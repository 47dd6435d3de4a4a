// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {Lei} from "./libraries/Lei.sol";
import {Roles} from "./libraries/Roles.sol";
import {PlatformControlled} from "./PlatformControlled.sol";

/// @title ParticipantRegistry
/// @notice Institutions of B-POST, their operator addresses and public encryption keys. The
/// platform operator (the consortium's timelock) admits, renames, reinstates and recovers; it or
/// the guardians suspend. An institution's operator addresses and key change only with its own
/// signature (EIP-712): the operator can suspend an institution, never act or read as it.
/// @dev Later issues extend an institution (corporate information) in contracts keyed by its LEI.
contract ParticipantRegistry is PlatformControlled, EIP712, IParticipantRegistry {
    /// @notice Most operator addresses one institution may have.
    uint256 public constant MAX_OPERATORS = 16;
    /// @notice Longest legal name, in bytes of UTF-8.
    uint256 public constant MAX_NAME_LENGTH = 200;
    /// @notice EIP-712 type of the first operator's consent to an admission.
    bytes32 public constant ADMISSION_TYPEHASH = keccak256("Admission(bytes20 lei,uint8 kind,bytes encryptionKey)");
    /// @notice EIP-712 type of an institution's own key change.
    bytes32 public constant KEY_CHANGE_TYPEHASH =
        keccak256("KeyChange(bytes20 lei,bytes encryptionKey,uint32 version)");
    /// @notice EIP-712 type of an address's consent to act for an institution.
    bytes32 public constant OPERATOR_BINDING_TYPEHASH =
        keccak256("OperatorBinding(bytes20 lei,address account,uint32 version)");
    /// @notice EIP-712 type of a recovered institution's new address and key.
    bytes32 public constant RECOVERY_TYPEHASH = keccak256("Recovery(bytes20 lei,bytes encryptionKey,uint32 version)");

    mapping(bytes20 lei => Institution) private _institutions;
    mapping(bytes20 lei => address[]) private _operators;
    mapping(address account => bytes20 lei) private _institutionOf;
    mapping(address account => uint256 position) private _operatorPosition; // index + 1
    mapping(bytes20 lei => uint32 version) private _keyVersions;
    bytes20[] private _leis;

    /// @param access_ The deployed PlatformAccess.
    constructor(IPlatformAccess access_) PlatformControlled(access_) EIP712("B-POST ParticipantRegistry", "1") {}

    /// @inheritdoc IParticipantRegistry
    function registerInstitution(
        bytes20 lei,
        InstitutionType kind,
        string calldata legalName,
        bytes calldata encryptionKey,
        address operator,
        bytes calldata signature
    ) external onlyPlatformRole(Roles.OPERATOR) {
        if (!Lei.isValid(lei)) revert ParticipantRegistryInvalidLei(lei);
        if (kind == InstitutionType.None) revert ParticipantRegistryInvalidType(kind);
        _checkName(legalName);
        _checkKey(encryptionKey);
        if (_institutions[lei].status != InstitutionStatus.None) revert ParticipantRegistryAlreadyRegistered(lei);
        _checkSignature(
            keccak256(abi.encode(ADMISSION_TYPEHASH, lei, uint8(kind), keccak256(encryptionKey))), operator, signature
        );

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
        _keyVersions[lei] = 1;
        _leis.push(lei);
        emit InstitutionRegistered(lei, kind, legalName, encryptionKey);
        _bindOperator(lei, operator);
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
    function setEncryptionKey(bytes20 lei, bytes calldata encryptionKey, address signer, bytes calldata signature)
        external
    {
        _requireNotPaused();
        // the authority is the institution's own signature: a current operator of an active institution
        if (_institutionOf[signer] != lei || lei == bytes20(0)) revert ParticipantRegistryNotAllowed(signer, lei);
        Institution storage inst = _institutions[lei];
        if (inst.status != InstitutionStatus.Active) revert ParticipantRegistryNotAllowed(signer, lei);
        _checkKey(encryptionKey);
        _checkSignature(
            keccak256(abi.encode(KEY_CHANGE_TYPEHASH, lei, keccak256(encryptionKey), inst.version)), signer, signature
        );
        inst.encryptionKey = encryptionKey;
        uint32 version = _touch(inst);
        _keyVersions[lei] = version;
        emit EncryptionKeyChanged(lei, encryptionKey, version, signer, signature);
    }

    /// @inheritdoc IParticipantRegistry
    function addOperator(bytes20 lei, address account, bytes calldata consent) external {
        Institution storage inst = _ownInstitution(lei);
        if (_operators[lei].length >= MAX_OPERATORS) {
            revert ParticipantRegistryTooManyOperators(_operators[lei].length + 1, MAX_OPERATORS);
        }
        _checkSignature(keccak256(abi.encode(OPERATOR_BINDING_TYPEHASH, lei, account, inst.version)), account, consent);
        _touch(inst);
        _bindOperator(lei, account);
    }

    /// @inheritdoc IParticipantRegistry
    function removeOperator(bytes20 lei, address account) external {
        Institution storage inst = _ownInstitution(lei);
        if (_institutionOf[account] != lei) revert ParticipantRegistryNotOperatorOf(account, lei);
        if (_operators[lei].length == 1) revert ParticipantRegistryLastOperator(lei, account);
        _touch(inst);
        _unbindOperator(lei, account);
    }

    /// @inheritdoc IParticipantRegistry
    function recoverInstitution(
        bytes20 lei,
        address operator,
        bytes calldata encryptionKey,
        bytes calldata signature,
        string calldata reason
    ) external onlyPlatformRole(Roles.OPERATOR) {
        Institution storage inst = _existing(lei);
        _checkKey(encryptionKey);
        _checkSignature(
            keccak256(abi.encode(RECOVERY_TYPEHASH, lei, keccak256(encryptionKey), inst.version)), operator, signature
        );
        address[] storage list = _operators[lei];
        while (list.length > 0) { // at most MAX_OPERATORS
            _unbindOperator(lei, list[list.length - 1]);
        }
        _bindOperator(lei, operator);
        inst.encryptionKey = encryptionKey;
        uint32 version = _touch(inst);
        _keyVersions[lei] = version;
        emit InstitutionRecovered(lei, operator, encryptionKey, version, reason);
    }

    /// @inheritdoc IParticipantRegistry
    function suspendInstitution(bytes20 lei, string calldata reason) external {
        if (!_hasPlatformRole(Roles.OPERATOR, msg.sender) && !_hasPlatformRole(Roles.GUARDIAN, msg.sender)) {
            revert ParticipantRegistryNotOperatorOrGuardian(msg.sender);
        }
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
    function encryptionKeyVersion(bytes20 lei) external view returns (uint32) {
        return _keyVersions[lei];
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

    function _unbindOperator(bytes20 lei, address account) private {
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

    /// @dev The institution `lei`, when the caller is one of its operators and it is active.
    function _ownInstitution(bytes20 lei) private view returns (Institution storage inst) {
        _requireNotPaused();
        if (_institutionOf[msg.sender] != lei || lei == bytes20(0)) revert ParticipantRegistryNotAllowed(msg.sender, lei);
        inst = _institutions[lei]; // bound addresses belong to registered institutions
        if (inst.status != InstitutionStatus.Active) revert ParticipantRegistryNotAllowed(msg.sender, lei);
    }

    /// @dev Refuses unless `signature` over the EIP-712 struct hash recovers to `signer`.
    function _checkSignature(bytes32 structHash, address signer, bytes calldata signature) private view {
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(_hashTypedDataV4(structHash), signature);
        if (err != ECDSA.RecoverError.NoError || recovered != signer || signer == address(0)) {
            revert ParticipantRegistryInvalidSignature(signer, recovered);
        }
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
