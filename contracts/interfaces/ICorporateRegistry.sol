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

    error CorporateRegistryNotAllowed(address account, bytes20 lei);
    error CorporateRegistryUnknownInstitution(bytes20 lei);
    error CorporateRegistryInvalidInfo(string field);
    error CorporateRegistryInvalidGiin(bytes19 giin);
    error CorporateRegistryOwnerNotRecipient(bytes20 lei);
    error CorporateRegistryTooManyEntries(uint256 count, uint256 maxCount);
    error CorporateRegistryNotPublished(bytes20 lei);

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
