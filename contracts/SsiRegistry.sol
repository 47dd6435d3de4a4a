// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ICodeRegistry} from "./interfaces/ICodeRegistry.sol";
import {IConfidential} from "./interfaces/IConfidential.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {ISsiRegistry} from "./interfaces/ISsiRegistry.sol";
import {Bic} from "./libraries/Bic.sol";
import {Dates} from "./libraries/Dates.sol";
import {PlatformControlled} from "./PlatformControlled.sol";

/// @title SsiRegistry
/// @notice Standing settlement instructions, one golden copy per institution; see {ISsiRegistry}.
/// @dev Stores per key what a look-up needs (owner, version, dates, hashes); terms and the sealed
/// account travel in the {SsiPublished} event.
contract SsiRegistry is PlatformControlled, ISsiRegistry {
    /// @notice Most SSIs one {publishSsis} call takes.
    uint256 public constant MAX_BATCH = 128;
    /// @notice Most institutions one account is sealed to (the owner included).
    uint256 public constant MAX_RECIPIENTS = 32;
    /// @notice The namespace of platform fund codes, to check a fund-specific SSI's fund.
    bytes32 public constant FUND_CODE_NAMESPACE = "BPFC";

    IParticipantRegistry private immutable _participants;
    ICodeRegistry private immutable _codes;
    mapping(bytes32 ssiKey => SsiState) private _ssis;

    /// @param access_ The deployed PlatformAccess.
    /// @param participants_ The deployed ParticipantRegistry.
    /// @param codes_ The deployed CodeRegistry.
    constructor(IPlatformAccess access_, IParticipantRegistry participants_, ICodeRegistry codes_)
        PlatformControlled(access_)
    {
        _participants = participants_;
        _codes = codes_;
    }

    /// @inheritdoc ISsiRegistry
    function publishSsis(SsiInput[] calldata inputs) external {
        _requireNotPaused();
        if (!_participants.isActiveOperator(msg.sender)) revert SsiRegistryNotAnOperator(msg.sender);
        if (inputs.length > MAX_BATCH) revert SsiRegistryBatchTooLarge(inputs.length, MAX_BATCH);
        bytes20 owner = _participants.institutionOf(msg.sender);
        for (uint256 i = 0; i < inputs.length; ++i) {
            _publish(owner, inputs[i]);
        }
    }

    /// @inheritdoc ISsiRegistry
    function ssiKeyOf(
        bytes20 owner,
        bytes32 fundCode,
        bytes4 market,
        bytes8 securityType,
        bytes3 currency,
        bytes8 settlementMethod
    ) public pure returns (bytes32) {
        return keccak256(abi.encode(owner, fundCode, market, securityType, currency, settlementMethod));
    }

    /// @inheritdoc ISsiRegistry
    function getSsi(bytes32 ssiKey) external view returns (SsiState memory state) {
        state = _ssis[ssiKey];
        if (state.version == 0) revert SsiRegistryUnknownSsi(ssiKey);
    }

    function _publish(bytes20 owner, SsiInput calldata input) private {
        SsiTerms calldata terms = input.terms;
        _checkTerms(terms);
        IConfidential.Recipient[] calldata recipients = input.account.recipients;
        if (recipients.length > MAX_RECIPIENTS) revert SsiRegistryTooManyRecipients(recipients.length, MAX_RECIPIENTS);
        bool ownerIncluded = false;
        for (uint256 i = 0; i < recipients.length; ++i) {
            bytes20 lei = recipients[i].lei;
            if (lei == owner) {
                ownerIncluded = true;
            } else {
                (, IParticipantRegistry.InstitutionStatus status) = _participants.statusOf(lei);
                if (status == IParticipantRegistry.InstitutionStatus.None) revert SsiRegistryUnknownRecipient(lei);
            }
        }
        if (!ownerIncluded) revert SsiRegistryOwnerNotRecipient(owner);

        bytes32 key =
            ssiKeyOf(owner, terms.fundCode, terms.market, terms.securityType, terms.currency, terms.settlementMethod);
        SsiState storage state = _ssis[key];
        uint32 version = state.version + 1;
        state.owner = owner;
        state.version = version;
        state.effectiveFrom = terms.effectiveFrom;
        state.effectiveTo = terms.effectiveTo;
        state.termsHash = keccak256(abi.encode(terms));
        state.commitment = input.account.commitment;
        emit SsiPublished(key, owner, version, terms, input.account);
        for (uint256 i = 0; i < recipients.length; ++i) {
            if (recipients[i].lei != owner) {
                emit SsiChangeNotified(recipients[i].lei, owner, key, version, terms.effectiveFrom);
            }
        }
    }

    function _checkTerms(SsiTerms calldata terms) private view {
        if (terms.market == bytes4(0)) revert SsiRegistryInvalidMarket(terms.market);
        if (terms.securityType == bytes8(0)) revert SsiRegistryInvalidSecurityType(terms.securityType);
        if (terms.currency == bytes3(0)) revert SsiRegistryInvalidCurrency(terms.currency);
        if (terms.settlementMethod == bytes8(0)) revert SsiRegistryInvalidSettlementMethod(terms.settlementMethod);
        if (!Bic.isValid(terms.custodianBic)) revert SsiRegistryInvalidBic(terms.custodianBic);
        if (terms.placeOfSettlement != bytes11(0) && !Bic.isValid(terms.placeOfSettlement)) {
            revert SsiRegistryInvalidBic(terms.placeOfSettlement);
        }
        if (!Dates.isValid(terms.effectiveFrom)) revert SsiRegistryInvalidDate(terms.effectiveFrom);
        if (terms.effectiveTo != 0) {
            if (!Dates.isValid(terms.effectiveTo)) revert SsiRegistryInvalidDate(terms.effectiveTo);
            if (terms.effectiveTo < terms.effectiveFrom) {
                revert SsiRegistryEndBeforeStart(terms.effectiveFrom, terms.effectiveTo);
            }
        }
        if (terms.fundCode != bytes32(0)) {
            try _codes.resolve(FUND_CODE_NAMESPACE, terms.fundCode) returns (ICodeRegistry.CodeTarget memory target) {
                if (target.kind != ICodeRegistry.RecordKind.Fund) revert SsiRegistryUnknownFund(terms.fundCode);
            } catch {
                revert SsiRegistryUnknownFund(terms.fundCode);
            }
        }
    }
}
