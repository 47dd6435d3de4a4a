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

    /// @notice The caller is no operator of an active institution.
    /// @param account The caller.
    error SsiRegistryNotAnOperator(address account);
    /// @notice A custodian or place-of-settlement BIC that is not an 8- or 11-character BIC.
    /// @param bic The BIC given.
    error SsiRegistryInvalidBic(bytes11 bic);
    /// @notice An SSI without its market (MIC).
    /// @param market The market given (zero).
    error SsiRegistryInvalidMarket(bytes4 market);
    /// @notice An SSI without its security type.
    /// @param securityType The security type given (zero).
    error SsiRegistryInvalidSecurityType(bytes8 securityType);
    /// @notice An SSI without its currency.
    /// @param currency The currency given (zero).
    error SsiRegistryInvalidCurrency(bytes3 currency);
    /// @notice An SSI without its settlement method.
    /// @param settlementMethod The settlement method given (zero).
    error SsiRegistryInvalidSettlementMethod(bytes8 settlementMethod);
    /// @notice An effective date that is not a yyyymmdd date.
    /// @param date The date given.
    error SsiRegistryInvalidDate(uint32 date);
    /// @notice An SSI whose effective-to date is before its effective-from date.
    /// @param effectiveFrom The effective-from date.
    /// @param effectiveTo The effective-to date.
    error SsiRegistryEndBeforeStart(uint32 effectiveFrom, uint32 effectiveTo);
    /// @notice A fund-specific SSI naming a code that is no platform fund code of a fund.
    /// @param fundCode The code given.
    error SsiRegistryUnknownFund(bytes32 fundCode);
    /// @notice The account is not sealed to its owner, who could not read it back.
    /// @param owner The owner (LEI).
    error SsiRegistryOwnerNotRecipient(bytes20 owner);
    /// @notice The account is sealed to an institution not on the platform.
    /// @param lei The recipient (LEI).
    error SsiRegistryUnknownRecipient(bytes20 lei);
    /// @notice The account is sealed to too many institutions.
    /// @param count The number of recipients.
    /// @param maxCount The most allowed (MAX_RECIPIENTS).
    error SsiRegistryTooManyRecipients(uint256 count, uint256 maxCount);
    /// @notice Too many SSIs in one call.
    /// @param size The number given.
    /// @param maxSize The most allowed (MAX_BATCH).
    error SsiRegistryBatchTooLarge(uint256 size, uint256 maxSize);
    /// @notice No SSI has this key.
    /// @param ssiKey The key.
    error SsiRegistryUnknownSsi(bytes32 ssiKey);

    /// @notice A version of an SSI was published.
    /// @param ssiKey The SSI's key (see {ssiKeyOf}).
    /// @param owner The institution (LEI) whose SSI it is.
    /// @param version The version (1 for a new key).
    /// @param terms Its public terms.
    /// @param account Its account, sealed to the owner and the counterparties named.
    event SsiPublished(
        bytes32 indexed ssiKey, bytes20 indexed owner, uint32 version, SsiTerms terms, IConfidential.Sealed account
    );
    /// @notice A counterparty the account is sealed to was notified of a new version of an SSI.
    /// @param counterparty The counterparty (LEI).
    /// @param owner The institution (LEI) whose SSI it is.
    /// @param ssiKey The SSI's key.
    /// @param version The new version.
    /// @param effectiveFrom When it takes effect (yyyymmdd).
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
