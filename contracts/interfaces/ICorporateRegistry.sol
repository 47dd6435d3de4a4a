// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IConfidential} from "./IConfidential.sol";

/// @title Basic corporate information of institutions (AML/CFT, FATCA, CRS, KYC)
/// @notice Extends the participant registry's record of an institution (its LEI and legal name
/// stay there). Review details and KYC document references are confidential: sealed to the
/// institution and the counterparties it shares them with; document hashes are public.
interface ICorporateRegistry {
    /// @notice The public part; dates yyyymmdd; the GIIN is ASCII "XXXXXX.XXXXX.XX.XXX" or zero.
    struct CorporateInfo {
        string registeredAddress;
        uint8 amlStatus;
        uint32 nextReviewDate;
        uint8 fatcaStatus;
        bytes19 giin;
        uint8 crsStatus;
        uint32 leiRenewalDate;
        bytes32[] kycDocumentHashes;
    }

    /// @notice Corporate information to publish for an institution.
    struct CorporateInput {
        bytes20 lei;
        CorporateInfo info;
        IConfidential.Sealed confidential;
    }

    /// @notice The latest version as stored.
    struct CorporateState {
        uint32 version;
        uint8 amlStatus;
        uint32 nextReviewDate;
        uint32 leiRenewalDate;
        bytes32 infoHash;
        bytes32 commitment;
    }

    /// @notice The caller may not publish this institution's information: it is neither an
    /// operator of that institution (active) nor the platform operator.
    /// @param account The caller.
    /// @param lei The institution named.
    error CorporateRegistryNotAllowed(address account, bytes20 lei);
    /// @notice The institution is not registered on the platform.
    /// @param lei The LEI given.
    error CorporateRegistryUnknownInstitution(bytes20 lei);
    /// @notice Information without a registered address.
    /// @param lei The institution.
    error CorporateRegistryEmptyAddress(bytes20 lei);
    /// @notice An AML/CFT status outside 1 to MAX_AML_STATUS.
    /// @param lei The institution.
    /// @param status The status given.
    error CorporateRegistryInvalidAmlStatus(bytes20 lei, uint8 status);
    /// @notice A FATCA status outside 1 to MAX_FATCA_STATUS.
    /// @param lei The institution.
    /// @param status The status given.
    error CorporateRegistryInvalidFatcaStatus(bytes20 lei, uint8 status);
    /// @notice A CRS status outside 1 to MAX_CRS_STATUS.
    /// @param lei The institution.
    /// @param status The status given.
    error CorporateRegistryInvalidCrsStatus(bytes20 lei, uint8 status);
    /// @notice A next AML/CFT review date that is not a yyyymmdd date.
    /// @param lei The institution.
    /// @param date The date given.
    error CorporateRegistryInvalidReviewDate(bytes20 lei, uint32 date);
    /// @notice An LEI renewal date that is not a yyyymmdd date.
    /// @param lei The institution.
    /// @param date The date given.
    error CorporateRegistryInvalidLeiRenewalDate(bytes20 lei, uint32 date);
    /// @notice A GIIN not of the form XXXXXX.XXXXX.XX.XXX.
    /// @param giin The GIIN given.
    error CorporateRegistryInvalidGiin(bytes19 giin);
    /// @notice The confidential part is not sealed to the institution itself.
    /// @param lei The institution.
    error CorporateRegistryOwnerNotRecipient(bytes20 lei);
    /// @notice Too many entries in one call.
    /// @param size The number given.
    /// @param maxSize The most allowed (MAX_BATCH).
    error CorporateRegistryBatchTooLarge(uint256 size, uint256 maxSize);
    /// @notice The confidential part is sealed to too many institutions.
    /// @param lei The institution.
    /// @param count The number of recipients.
    /// @param maxCount The most allowed (MAX_ITEMS).
    error CorporateRegistryTooManyRecipients(bytes20 lei, uint256 count, uint256 maxCount);
    /// @notice Too many KYC document hashes.
    /// @param lei The institution.
    /// @param count The number given.
    /// @param maxCount The most allowed (MAX_ITEMS).
    error CorporateRegistryTooManyDocuments(bytes20 lei, uint256 count, uint256 maxCount);
    /// @notice No corporate information was published for the institution.
    /// @param lei The institution.
    error CorporateRegistryNotPublished(bytes20 lei);

    /// @notice A version of an institution's corporate information was published.
    /// @param lei The institution.
    /// @param version The version (1 for the first).
    /// @param info The public part.
    /// @param infoHash keccak256 of the public part's ABI encoding.
    /// @param confidential The confidential part, sealed to the institution and those it names.
    event CorporateInfoPublished(
        bytes20 indexed lei, uint32 version, CorporateInfo info, bytes32 infoHash, IConfidential.Sealed confidential
    );

    /// @notice Publish corporate information: each institution its own, the operator any.
    /// @param inputs At most MAX_BATCH entries.
    function publishCorporateInfo(CorporateInput[] calldata inputs) external;

    /// @notice The latest version of an institution's corporate information.
    /// @param lei The institution.
    /// @return The stored state; reverts when none was published.
    function getCorporateInfo(bytes20 lei) external view returns (CorporateState memory);
}
