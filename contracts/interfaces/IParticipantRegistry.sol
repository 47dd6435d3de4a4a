// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title The registry of institutions that take part in B-POST
/// @notice An institution is keyed by its LEI and acts through one or more operator addresses;
/// it publishes a secp256k1 public key so that others can encrypt confidential data to it.
interface IParticipantRegistry {
    /// @notice What an institution is in the post-trade chain.
    enum InstitutionType {
        None,
        PlatformOperator,
        AssetManager,
        TrustBank,
        SecuritiesCompany,
        Distributor,
        Custodian,
        LendingAgent,
        DataProvider,
        Observer
    }

    /// @notice Whether an institution may act on the platform.
    enum InstitutionStatus {
        None,
        Active,
        Suspended
    }

    /// @notice An institution as the registry holds it.
    struct Institution {
        bytes20 lei;
        InstitutionType kind;
        InstitutionStatus status;
        uint32 version;
        uint64 registeredAt;
        uint64 updatedAt;
        string legalName;
        bytes encryptionKey;
    }

    /// @notice An LEI that is not well formed or whose check digits are wrong.
    /// @param lei The LEI given.
    error ParticipantRegistryInvalidLei(bytes20 lei);
    /// @notice An institution without a type (InstitutionType.None).
    /// @param kind The type given.
    error ParticipantRegistryInvalidType(InstitutionType kind);
    /// @notice A legal name that is empty or longer than MAX_NAME_LENGTH bytes.
    /// @param length The name's length in bytes.
    /// @param maxLength The most allowed (MAX_NAME_LENGTH).
    error ParticipantRegistryInvalidName(uint256 length, uint256 maxLength);
    /// @notice An encryption key that is not a compressed secp256k1 public key (33 bytes, 0x02
    /// or 0x03 first).
    /// @param key The key given.
    error ParticipantRegistryInvalidEncryptionKey(bytes key);
    /// @notice The LEI is registered already.
    /// @param lei The LEI.
    error ParticipantRegistryAlreadyRegistered(bytes20 lei);
    /// @notice No institution has this LEI.
    /// @param lei The LEI given.
    error ParticipantRegistryUnknownInstitution(bytes20 lei);
    /// @notice The zero address as an operator.
    error ParticipantRegistryZeroAddress();
    /// @notice The address is bound to an institution already.
    /// @param account The address.
    /// @param lei The institution it is bound to.
    error ParticipantRegistryOperatorTaken(address account, bytes20 lei);
    /// @notice The address is not bound to the institution.
    /// @param account The address.
    /// @param lei The institution named.
    error ParticipantRegistryNotOperatorOf(address account, bytes20 lei);
    /// @notice An institution would have more operator addresses than allowed.
    /// @param count The number it would have.
    /// @param maxCount The most allowed (MAX_OPERATORS).
    error ParticipantRegistryTooManyOperators(uint256 count, uint256 maxCount);
    /// @notice The institution is suspended already.
    /// @param lei The institution.
    error ParticipantRegistryAlreadySuspended(bytes20 lei);
    /// @notice The institution is not suspended, so it cannot be reinstated.
    /// @param lei The institution.
    error ParticipantRegistryNotSuspended(bytes20 lei);
    /// @notice The caller may not change the institution's operators: it is no operator of that
    /// institution, or the institution is not active.
    /// @param account The caller.
    /// @param lei The institution named.
    error ParticipantRegistryNotAllowed(address account, bytes20 lei);
    /// @notice The caller may neither suspend (OPERATOR_ROLE or GUARDIAN_ROLE) nor act for the
    /// consortium.
    /// @param account The caller.
    error ParticipantRegistryNotOperatorOrGuardian(address account);
    /// @notice A signature that does not recover to the address it must come from.
    /// @param signer The address that must have signed.
    /// @param recovered The address the signature recovers to (zero when malformed).
    error ParticipantRegistryInvalidSignature(address signer, address recovered);
    /// @notice An institution keeps at least one operator address: the last one is replaced by
    /// recovery through governance, not removed.
    /// @param lei The institution.
    /// @param account Its last operator address.
    error ParticipantRegistryLastOperator(bytes20 lei, address account);

    /// @notice An institution was admitted (active, version 1).
    /// @param lei The institution.
    /// @param kind What it is.
    /// @param legalName Its legal name.
    /// @param encryptionKey Its compressed secp256k1 public key.
    event InstitutionRegistered(
        bytes20 indexed lei, InstitutionType kind, string legalName, bytes encryptionKey
    );
    /// @notice An institution's legal name changed.
    /// @param lei The institution.
    /// @param legalName The new legal name.
    /// @param version The institution's record version.
    event InstitutionRenamed(bytes20 indexed lei, string legalName, uint32 version);
    /// @notice An institution replaced its public encryption key, signed by one of its operators.
    /// @param lei The institution.
    /// @param encryptionKey The new key.
    /// @param version The institution's record version (the signed message names the one before).
    /// @param signer The institution's operator address that signed.
    /// @param signature The EIP-712 signature of `KeyChange(lei, encryptionKey, version - 1)`, for
    /// any client to check on its own.
    event EncryptionKeyChanged(
        bytes20 indexed lei, bytes encryptionKey, uint32 version, address signer, bytes signature
    );
    /// @notice Governance replaced an institution's operators and key after it lost them: the new
    /// key carries no signature of a key the institution held, so clients ask before sealing to it.
    /// @param lei The institution.
    /// @param operator Its new (only) operator address, which signed the new key.
    /// @param encryptionKey Its new key.
    /// @param version The institution's record version.
    /// @param reason Why, for the audit trail.
    event InstitutionRecovered(
        bytes20 indexed lei, address operator, bytes encryptionKey, uint32 version, string reason
    );
    /// @notice An address was bound to an institution.
    /// @param lei The institution.
    /// @param account The address.
    event OperatorAdded(bytes20 indexed lei, address indexed account);
    /// @notice An address was unbound from an institution.
    /// @param lei The institution.
    /// @param account The address.
    event OperatorRemoved(bytes20 indexed lei, address indexed account);
    /// @notice An institution was suspended: its keys' roles stop.
    /// @param lei The institution.
    /// @param reason Why, for the audit trail.
    /// @param version The institution's record version.
    event InstitutionSuspended(bytes20 indexed lei, string reason, uint32 version);
    /// @notice A suspended institution was reinstated: its keys' roles return.
    /// @param lei The institution.
    /// @param version The institution's record version.
    event InstitutionReinstated(bytes20 indexed lei, uint32 version);

    /// @notice Admit an institution with its first operator address and key, which the
    /// institution signed: the operator admits, it cannot choose whose address or key it binds.
    /// @param lei The institution's LEI (20 ASCII bytes, check digits verified).
    /// @param kind What the institution is.
    /// @param legalName Its legal name (1 to 200 bytes of UTF-8).
    /// @param encryptionKey Its compressed secp256k1 public key (33 bytes, 0x02 or 0x03 first).
    /// @param operator Its first operator address, not bound to any institution yet.
    /// @param signature The operator address's EIP-712 signature of
    /// `Admission(bytes20 lei,uint8 kind,bytes encryptionKey)`.
    function registerInstitution(
        bytes20 lei,
        InstitutionType kind,
        string calldata legalName,
        bytes calldata encryptionKey,
        address operator,
        bytes calldata signature
    ) external;

    /// @notice Change an institution's legal name.
    /// @param lei The institution.
    /// @param legalName The new legal name.
    function renameInstitution(bytes20 lei, string calldata legalName) external;

    /// @notice Replace an active institution's public encryption key with its own signature: one
    /// of its operators signs `KeyChange(bytes20 lei,bytes encryptionKey,uint32 version)` (EIP-712,
    /// `version` the record's current version, so a signature serves once); anyone may send it.
    /// @param lei The institution.
    /// @param encryptionKey The new compressed secp256k1 public key.
    /// @param signer The operator address of the institution that signed.
    /// @param signature Its 65-byte signature.
    function setEncryptionKey(bytes20 lei, bytes calldata encryptionKey, address signer, bytes calldata signature)
        external;

    /// @notice Bind another address to an active institution: sent by one of its operators, with
    /// the new address's consent, its EIP-712 signature of
    /// `OperatorBinding(bytes20 lei,address account,uint32 version)` (so no one binds an address
    /// it does not hold).
    /// @param lei The institution.
    /// @param account The address, not bound to any institution yet.
    /// @param consent The new address's 65-byte signature.
    function addOperator(bytes20 lei, address account, bytes calldata consent) external;

    /// @notice Unbind an address from an active institution: sent by one of its operators; the
    /// last one stays.
    /// @param lei The institution.
    /// @param account An address bound to it.
    function removeOperator(bytes20 lei, address account) external;

    /// @notice Replace a lost institution's operators and key, by governance (OPERATOR_ROLE: the
    /// timelock): every operator address is unbound, `operator` bound, the key replaced, and
    /// {InstitutionRecovered} tells every client. The new address signs
    /// `Recovery(bytes20 lei,bytes encryptionKey,uint32 version)` to show it holds its key.
    /// @param lei The institution.
    /// @param operator Its new operator address, not bound to any institution.
    /// @param encryptionKey Its new compressed secp256k1 public key.
    /// @param signature The new address's EIP-712 signature.
    /// @param reason Why, for the audit trail.
    function recoverInstitution(
        bytes20 lei,
        address operator,
        bytes calldata encryptionKey,
        bytes calldata signature,
        string calldata reason
    ) external;

    /// @notice Stop an institution from acting; its records stay. An operator (governance) or the
    /// guardians' quorum (GUARDIAN_ROLE), at once, even while the platform is paused.
    /// @param lei The institution.
    /// @param reason Why, for the audit trail.
    function suspendInstitution(bytes20 lei, string calldata reason) external;

    /// @notice Let a suspended institution act again.
    /// @param lei The institution.
    function reinstateInstitution(bytes20 lei) external;

    /// @notice An institution's record.
    /// @param lei The institution.
    /// @return The record; reverts for an unknown LEI.
    function getInstitution(bytes20 lei) external view returns (Institution memory);

    /// @notice An institution's type and status, cheaply (no strings copied).
    /// @param lei The institution.
    /// @return kind Its type (None when unknown).
    /// @return status Its status (None when unknown).
    function statusOf(bytes20 lei) external view returns (InstitutionType kind, InstitutionStatus status);

    /// @notice The version of an institution's current encryption key: the record version at
    /// which it was set (1 at admission, then the `version` of the {EncryptionKeyChanged} or
    /// {InstitutionRecovered} that set it). A rename, a suspension or an operator change leaves
    /// it as it is.
    /// @param lei The institution.
    /// @return The key's version, 0 when the institution is unknown.
    function encryptionKeyVersion(bytes20 lei) external view returns (uint32);

    /// @notice The institution an address acts for.
    /// @param account The address.
    /// @return The LEI, or zero when the address is bound to none.
    function institutionOf(address account) external view returns (bytes20);

    /// @notice Whether `account` acts for an institution that is active.
    /// @param account The address.
    /// @return True when bound to an active institution.
    function isActiveOperator(address account) external view returns (bool);

    /// @notice The addresses bound to an institution.
    /// @param lei The institution.
    /// @return The operator addresses.
    function operatorsOf(bytes20 lei) external view returns (address[] memory);

    /// @notice How many institutions have been registered.
    /// @return The count.
    function institutionCount() external view returns (uint256);

    /// @notice The LEI registered `index`-th (0-based), for enumeration.
    /// @param index Position in registration order.
    /// @return The LEI.
    function institutionAt(uint256 index) external view returns (bytes20);
}
