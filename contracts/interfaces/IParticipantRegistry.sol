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

    error ParticipantRegistryInvalidLei(bytes20 lei);
    error ParticipantRegistryInvalidType(InstitutionType kind);
    error ParticipantRegistryInvalidName(uint256 length, uint256 maxLength);
    error ParticipantRegistryInvalidEncryptionKey(bytes key);
    error ParticipantRegistryAlreadyRegistered(bytes20 lei);
    error ParticipantRegistryUnknownInstitution(bytes20 lei);
    error ParticipantRegistryZeroAddress();
    error ParticipantRegistryOperatorTaken(address account, bytes20 lei);
    error ParticipantRegistryNotOperatorOf(address account, bytes20 lei);
    error ParticipantRegistryTooManyOperators(uint256 count, uint256 maxCount);
    error ParticipantRegistryAlreadySuspended(bytes20 lei);
    error ParticipantRegistryNotSuspended(bytes20 lei);
    error ParticipantRegistryNotAllowed(address account, bytes20 lei);

    event InstitutionRegistered(
        bytes20 indexed lei, InstitutionType kind, string legalName, bytes encryptionKey
    );
    event InstitutionRenamed(bytes20 indexed lei, string legalName, uint32 version);
    event EncryptionKeyChanged(bytes20 indexed lei, bytes encryptionKey, uint32 version);
    event OperatorAdded(bytes20 indexed lei, address indexed account);
    event OperatorRemoved(bytes20 indexed lei, address indexed account);
    event InstitutionSuspended(bytes20 indexed lei, string reason, uint32 version);
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
