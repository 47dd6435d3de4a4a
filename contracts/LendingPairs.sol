// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IConfidential} from "./interfaces/IConfidential.sol";
import {ILendingPairs} from "./interfaces/ILendingPairs.sol";
import {IMandates} from "./interfaces/IMandates.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {PlatformControlled} from "./PlatformControlled.sol";
import {Recipients} from "./libraries/Recipients.sol";

/// @title LendingPairs
/// @notice The settings of lending counterparty pairs; see {ILendingPairs}.
contract LendingPairs is PlatformControlled, ILendingPairs {
    /// @notice Most recipients the sealed secrets may name.
    uint256 public constant MAX_RECIPIENTS = 8;
    /// @notice Most business days a pair may allow a break to stay open after a period's end.
    uint16 public constant MAX_OVERDUE_BUSINESS_DAYS = 60;
    /// @notice Business days a break may stay open when a pair has accepted no settings.
    uint16 public constant DEFAULT_OVERDUE_BUSINESS_DAYS = 14;
    /// @notice The calendar business days are counted on when a pair has accepted no settings.
    bytes4 public constant DEFAULT_MARKET = "XTKS";
    /// @notice The billing period (calendar months) when a pair has accepted no settings.
    uint8 public constant DEFAULT_BILLING_MONTHS = 1;
    /// @notice The longest billing period a pair may agree, in calendar months.
    uint8 public constant MAX_BILLING_MONTHS = 12;

    IParticipantRegistry private immutable _participants;
    IMandates private immutable _mandates;

    mapping(bytes32 pair => PairSettings) private _acceptedSettings;
    mapping(bytes32 pair => PairSettings) private _proposedSettings;
    /// @dev The version of a pair's proposal a party refused (only the pending one is refused).
    mapping(bytes32 pair => uint32 version) private _refusedVersion;

    /// @param access_ The deployed PlatformAccess.
    /// @param participants_ The deployed ParticipantRegistry.
    /// @param mandates_ The deployed Mandates (a pair's agent acts under the lender's mandate).
    constructor(IPlatformAccess access_, IParticipantRegistry participants_, IMandates mandates_)
        PlatformControlled(access_)
    {
        _participants = participants_;
        _mandates = mandates_;
    }

    /// @inheritdoc ILendingPairs
    function proposePairSettings(
        bytes20 lender,
        bytes20 borrower,
        Unit unit,
        bytes20 agent,
        bytes4 market,
        uint16 overdueBusinessDays,
        uint8 billingMonths,
        IConfidential.Sealed calldata secrets
    ) external {
        _requireNotPaused();
        bytes20 caller = _caller();
        if (lender == borrower) revert LendingPairsSameParty(lender);
        if (caller != lender && caller != borrower) revert LendingPairsNotPairParty(caller, lender, borrower);
        bytes20 other = caller == lender ? borrower : lender;
        if (!_isInstitution(other, IParticipantRegistry.InstitutionType.None)) revert LendingPairsUnknownParty(other);
        if (
            agent != bytes20(0)
                && (agent == lender || agent == borrower
                    || !_isInstitution(agent, IParticipantRegistry.InstitutionType.LendingAgent))
        ) revert LendingPairsInvalidAgent(agent);
        _requireMandated(lender, borrower, agent);
        if (market == bytes4(0)) revert LendingPairsNoMarket(lender, borrower);
        if (overdueBusinessDays == 0 || overdueBusinessDays > MAX_OVERDUE_BUSINESS_DAYS) {
            revert LendingPairsInvalidOverdueDays(overdueBusinessDays, MAX_OVERDUE_BUSINESS_DAYS);
        }
        if (billingMonths == 0 || billingMonths > MAX_BILLING_MONTHS) {
            revert LendingPairsInvalidBillingMonths(billingMonths, MAX_BILLING_MONTHS);
        }
        _checkSecrets(secrets, lender, borrower, agent);
        bytes32 pair = _pairKey(lender, borrower);
        PairSettings memory settings = PairSettings({
            unit: unit,
            agent: agent,
            market: market,
            overdueBusinessDays: overdueBusinessDays,
            billingMonths: billingMonths,
            secrets: secrets.commitment,
            version: _proposedSettings[pair].version + 1,
            proposedBy: caller,
            accepted: false
        });
        _proposedSettings[pair] = settings;
        emit PairSettingsProposed(lender, borrower, settings, secrets);
    }

    /// @inheritdoc ILendingPairs
    function acceptPairSettings(bytes20 lender, bytes20 borrower, uint32 version) external {
        _requireNotPaused();
        bytes20 caller = _caller();
        bytes32 pair = _pairKey(lender, borrower);
        PairSettings storage proposed = _proposedSettings[pair];
        if ((caller != lender && caller != borrower) || caller == proposed.proposedBy) {
            revert LendingPairsNotAcceptor(caller, proposed.proposedBy);
        }
        if (version == 0 || version != proposed.version || proposed.accepted) {
            revert LendingPairsSettingsNotPending(lender, borrower, version, proposed.accepted ? 0 : proposed.version);
        }
        if (_refusedVersion[pair] == version) revert LendingPairsSettingsRefused(lender, borrower, version);
        _requireMandated(lender, borrower, proposed.agent);
        proposed.accepted = true;
        _acceptedSettings[pair] = proposed;
        emit PairSettingsAccepted(lender, borrower, version, caller);
    }

    /// @inheritdoc ILendingPairs
    /// @dev Who: the lender, the borrower or the proposal's agent, active, other than the
    /// proposer.
    function refusePairSettings(bytes20 lender, bytes20 borrower, uint32 version, Refusal reason) external {
        _requireNotPaused();
        bytes20 caller = _caller();
        bytes32 pair = _pairKey(lender, borrower);
        PairSettings storage proposed = _proposedSettings[pair];
        if (caller != lender && caller != borrower && caller != proposed.agent) {
            revert LendingPairsNotPairParty(caller, lender, borrower);
        }
        if (version == 0 || version != proposed.version || proposed.accepted) {
            revert LendingPairsSettingsNotPending(lender, borrower, version, proposed.accepted ? 0 : proposed.version);
        }
        if (caller == proposed.proposedBy) revert LendingPairsOwnProposal(caller, version);
        if (_refusedVersion[pair] == version) revert LendingPairsSettingsRefused(lender, borrower, version);
        _refusedVersion[pair] = version;
        emit PairSettingsRefused(lender, borrower, version, caller, reason);
    }

    /// @inheritdoc ILendingPairs
    function pairSettings(bytes20 lender, bytes20 borrower) external view returns (PairSettings memory settings) {
        settings = _acceptedSettings[_pairKey(lender, borrower)];
        if (!settings.accepted) {
            settings.market = DEFAULT_MARKET;
            settings.overdueBusinessDays = DEFAULT_OVERDUE_BUSINESS_DAYS;
            settings.billingMonths = DEFAULT_BILLING_MONTHS;
        }
    }

    function _pairKey(bytes20 lender, bytes20 borrower) private pure returns (bytes32) {
        return keccak256(abi.encode(lender, borrower));
    }

    function _caller() private view returns (bytes20 lei) {
        lei = _participants.institutionOf(msg.sender);
        (, IParticipantRegistry.InstitutionStatus status) = _participants.statusOf(lei);
        if (lei == bytes20(0) || status != IParticipantRegistry.InstitutionStatus.Active) {
            revert LendingPairsNotInstitution(msg.sender);
        }
    }

    /// @dev A pair's agent (if any) holds the lender's lending-agent mandate for the borrower (or
    /// every borrower), in force now.
    function _requireMandated(bytes20 lender, bytes20 borrower, bytes20 agent) private view {
        if (
            agent != bytes20(0)
                && !_mandates.isMandated(lender, agent, IMandates.Scope.LendingAgent, bytes32(borrower))
        ) revert LendingPairsAgentNotMandated(lender, borrower, agent);
    }

    /// @dev Whether `lei` is an active institution (of type `kind`, unless None).
    function _isInstitution(bytes20 lei, IParticipantRegistry.InstitutionType kind) private view returns (bool) {
        (IParticipantRegistry.InstitutionType found, IParticipantRegistry.InstitutionStatus status) =
            _participants.statusOf(lei);
        return status == IParticipantRegistry.InstitutionStatus.Active
            && (kind == IParticipantRegistry.InstitutionType.None || found == kind);
    }

    /// @dev The secrets commit to something and are sealed to every party of the pair.
    function _checkSecrets(IConfidential.Sealed calldata secrets, bytes20 lender, bytes20 borrower, bytes20 agent)
        private
        pure
    {
        if (secrets.commitment == bytes32(0)) revert LendingPairsEmptySecrets(lender, borrower);
        uint256 count = secrets.recipients.length;
        if (count > MAX_RECIPIENTS) revert LendingPairsTooManyRecipients(count, MAX_RECIPIENTS);
        bytes20 missing = Recipients.firstMissing(secrets, lender, borrower, agent);
        if (missing != bytes20(0)) revert LendingPairsRecipientMissing(missing);
    }
}
