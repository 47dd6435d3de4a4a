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
    /// @notice The caller may not change the institution's key: it is neither an operator of that
    /// institution (active) nor the platform operator.
    /// @param account The caller.
    /// @param lei The institution named.
    error ParticipantRegistryNotAllowed(address account, bytes20 lei);

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
    /// @notice An institution's public encryption key was replaced.
    /// @param lei The institution.
    /// @param encryptionKey The new key.
    /// @param version The institution's record version.
    event EncryptionKeyChanged(bytes20 indexed lei, bytes encryptionKey, uint32 version);
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

    /// @notice Admit an institution with its first operator addresses.
    /// @param lei The institution's LEI (20 ASCII bytes, check digits verified).
    /// @param kind What the institution is.
    /// @param legalName Its legal name (1 to 200 bytes of UTF-8).
    /// @param encryptionKey Its compressed secp256k1 public key (33 bytes, 0x02 or 0x03 first).
    /// @param operators Addresses that act for it (at most MAX_OPERATORS, none already bound).
    function registerInstitution(
        bytes20 lei,
        InstitutionType kind,
        string calldata legalName,
        bytes calldata encryptionKey,
        address[] calldata operators
    ) external;

    /// @notice Change an institution's legal name.
    /// @param lei The institution.
    /// @param legalName The new legal name.
    function renameInstitution(bytes20 lei, string calldata legalName) external;

    /// @notice Replace an institution's public encryption key (the operator, or the institution itself).
    /// @param lei The institution.
    /// @param encryptionKey The new compressed secp256k1 public key.
    function setEncryptionKey(bytes20 lei, bytes calldata encryptionKey) external;

    /// @notice Bind another address to an institution.
    /// @param lei The institution.
    /// @param account The address, not bound to any institution yet.
    function addOperator(bytes20 lei, address account) external;

    /// @notice Unbind an address from an institution.
    /// @param lei The institution.
    /// @param account An address bound to it.
    function removeOperator(bytes20 lei, address account) external;

    /// @notice Stop an institution from acting; its records stay.
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
