// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IConfidential} from "./IConfidential.sol";

/// @title Standing settlement instructions
/// @notice Each institution keeps its SSIs here once, per market, security type, currency and
/// settlement method (optionally per fund), with effective dates. The account is confidential:
/// sealed to the institution and the counterparties it shares the SSI with, who are notified of
/// every new version by an event indexed on them.
interface ISsiRegistry {
    /// @notice The public terms of an SSI. Codes are ASCII, left-aligned; dates yyyymmdd.
    struct SsiTerms {
        bytes32 fundCode;
        bytes4 market;
        bytes8 securityType;
        bytes3 currency;
        bytes8 settlementMethod;
        bytes11 custodianBic;
        bytes11 placeOfSettlement;
        uint32 effectiveFrom;
        uint32 effectiveTo;
    }

    /// @notice An SSI to publish: its terms and its sealed account.
    struct SsiInput {
        SsiTerms terms;
        IConfidential.Sealed account;
    }

    /// @notice The latest version of an SSI as stored.
    struct SsiState {
        bytes20 owner;
        uint32 version;
        uint32 effectiveFrom;
        uint32 effectiveTo;
        bytes32 termsHash;
        bytes32 commitment;
    }

    error SsiRegistryNotAnOperator(address account);
    error SsiRegistryInvalidBic(bytes11 bic);
    error SsiRegistryInvalidTerms(string field);
    error SsiRegistryInvalidDate(uint32 date);
    error SsiRegistryUnknownFund(bytes32 fundCode);
    error SsiRegistryOwnerNotRecipient(bytes20 owner);
    error SsiRegistryUnknownRecipient(bytes20 lei);
    error SsiRegistryTooManyRecipients(uint256 count, uint256 maxCount);
    error SsiRegistryBatchTooLarge(uint256 size, uint256 maxSize);
    error SsiRegistryUnknownSsi(bytes32 ssiKey);

    event SsiPublished(
        bytes32 indexed ssiKey, bytes20 indexed owner, uint32 version, SsiTerms terms, IConfidential.Sealed account
    );
    event SsiChangeNotified(
        bytes20 indexed counterparty, bytes20 indexed owner, bytes32 indexed ssiKey, uint32 version, uint32 effectiveFrom
    );

    /// @notice Publish SSIs of the caller's institution: each a new version of its key.
    /// @param inputs At most MAX_BATCH SSIs; each account sealed to the owner and its counterparties.
    function publishSsis(SsiInput[] calldata inputs) external;

    /// @notice The key of an SSI: its owner and what it applies to.
    /// @param owner The institution.
    /// @param fundCode The fund, or zero for every fund.
    /// @param market The market (MIC).
    /// @param securityType The security type.
    /// @param currency The currency.
    /// @param settlementMethod The settlement method.
    /// @return The key.
    function ssiKeyOf(
        bytes20 owner,
        bytes32 fundCode,
        bytes4 market,
        bytes8 securityType,
        bytes3 currency,
        bytes8 settlementMethod
    ) external pure returns (bytes32);

    /// @notice The latest version of an SSI.
    /// @param ssiKey The key.
    /// @return The stored state; reverts for an unknown key.
    function getSsi(bytes32 ssiKey) external view returns (SsiState memory);
}
