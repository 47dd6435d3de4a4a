// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IConfidential} from "./IConfidential.sol";

/// @title Basic corporate information of institutions (AML/CFT, FATCA, CRS, KYC), sealed
/// @notice Extends the participant registry's record of an institution (its LEI and legal name
/// stay there). The whole information (registered address, AML/CFT status and next review date,
/// FATCA classification and GIIN, CRS status, LEI renewal date, KYC document hashes and
/// references, review details) is sealed to the institutions entitled to it: the institution,
/// its counterparties and the supervisory observer. On chain stay the LEI, the version, its
/// publisher and time, the commitment and the sealed payload. The publisher's client checks the
/// content before sealing it and each recipient's client checks what it opens: a recipient
/// that cannot open it, or finds it invalid, refuses the version here.
interface ICorporateRegistry {
    /// @notice Corporate information to publish for an institution: its LEI and the information
    /// sealed (commitment keccak256(salt || plaintext)).
    struct CorporateInput {
        bytes20 lei;
        IConfidential.Sealed info;
    }

    /// @notice The latest version as stored: its number, the address that published it (its
    /// time is the block of its {CorporateInfoPublished}), the payload's commitment,
    /// keccak256(abi.encode(bytes20[] recipients)) in the payload's order, and the recipient that
    /// refused it with its reason (zero while none did).
    struct CorporateState {
        uint32 version;
        address publisher;
        bytes32 commitment;
        bytes32 recipientsHash;
        bytes20 refusedBy;
        uint8 refusalReason;
    }

    /// @notice The caller may not publish this institution's information: it is neither an
    /// operator of that institution (active) nor the platform operator.
    /// @param account The caller.
    /// @param lei The institution named.
    error CorporateRegistryNotAllowed(address account, bytes20 lei);
    /// @notice The caller is no operator of an active institution.
    /// @param account The caller.
    error CorporateRegistryNotInstitution(address account);
    /// @notice The institution is not registered on the platform.
    /// @param lei The LEI given.
    error CorporateRegistryUnknownInstitution(bytes20 lei);
    /// @notice The payload is not sealed to the institution itself.
    /// @param lei The institution.
    error CorporateRegistryOwnerNotRecipient(bytes20 lei);
    /// @notice Too many entries in one call.
    /// @param size The number given.
    /// @param maxSize The most allowed (MAX_BATCH).
    error CorporateRegistryBatchTooLarge(uint256 size, uint256 maxSize);
    /// @notice The payload is sealed to too many institutions.
    /// @param lei The institution.
    /// @param count The number of recipients.
    /// @param maxCount The most allowed (MAX_ITEMS).
    error CorporateRegistryTooManyRecipients(bytes20 lei, uint256 count, uint256 maxCount);
    /// @notice No corporate information was published for the institution.
    /// @param lei The institution.
    error CorporateRegistryNotPublished(bytes20 lei);
    /// @notice The version refused is not the institution's latest (a later one replaced it,
    /// or none such was published).
    /// @param lei The institution.
    /// @param version The version given.
    /// @param latest The latest version published.
    error CorporateRegistryNotLatestVersion(bytes20 lei, uint32 version, uint32 latest);
    /// @notice The recipients given are not those the version was sealed to.
    /// @param lei The institution.
    /// @param version The version.
    /// @param given keccak256 of the recipients given.
    /// @param stored keccak256 of the version's recipients.
    error CorporateRegistryRecipientsMismatch(bytes20 lei, uint32 version, bytes32 given, bytes32 stored);
    /// @notice The caller's institution is not among the version's recipients.
    /// @param lei The institution whose information it is.
    /// @param version The version.
    /// @param caller The caller's institution.
    error CorporateRegistryNotRecipient(bytes20 lei, uint32 version, bytes20 caller);
    /// @notice The version was already refused.
    /// @param lei The institution.
    /// @param version The version.
    /// @param by The recipient that refused it.
    error CorporateRegistryAlreadyRefused(bytes20 lei, uint32 version, bytes20 by);
    /// @notice A refusal reason outside 1 to MAX_REFUSAL_REASON.
    /// @param reason The reason given.
    error CorporateRegistryInvalidRefusalReason(uint8 reason);

    /// @notice A version of an institution's corporate information was published.
    /// @param lei The institution.
    /// @param version The version (1 for the first).
    /// @param publisher The address that published it (an operator of the institution, or the
    /// platform operator).
    /// @param info The information sealed to the institution, its counterparties and the observer.
    event CorporateInfoPublished(bytes20 indexed lei, uint32 version, address publisher, IConfidential.Sealed info);
    /// @notice A recipient refused a version: it could not open it, or found it invalid. The
    /// version is not used; the institution publishes a new one.
    /// @param lei The institution.
    /// @param version The version refused.
    /// @param by The recipient institution that refused it.
    /// @param reason 1 it cannot be opened, 2 it fails its authentication or commitment, 3 its
    /// content is invalid.
    event CorporateInfoRefused(bytes20 indexed lei, uint32 version, bytes20 indexed by, uint8 reason);

    /// @notice Publish corporate information, each entry a new version: each institution its
    /// own (an active operator of it), the platform operator any. Each payload is sealed to the
    /// institution itself and at most MAX_ITEMS institutions.
    /// @param inputs At most MAX_BATCH entries.
    function publishCorporateInfo(CorporateInput[] calldata inputs) external;

    /// @notice Refuse the latest version of an institution's information as one of its
    /// recipients (an active operator of a recipient institution): it could not be opened, or
    /// its content is invalid. Once refused, a version stays refused.
    /// @param lei The institution whose information it is.
    /// @param version The version refused (the latest).
    /// @param recipients The version's recipients, in the payload's order (checked against the
    /// stored hash).
    /// @param reason 1 cannot be opened, 2 fails its authentication or commitment, 3 invalid.
    function refuseCorporateInfo(bytes20 lei, uint32 version, bytes20[] calldata recipients, uint8 reason)
        external;

    /// @notice The latest version of an institution's corporate information.
    /// @param lei The institution.
    /// @return The stored state; reverts when none was published.
    function getCorporateInfo(bytes20 lei) external view returns (CorporateState memory);
}
