// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IConfidential} from "./interfaces/IConfidential.sol";
import {ILendingAgreements} from "./interfaces/ILendingAgreements.sol";
import {ILendingPairs} from "./interfaces/ILendingPairs.sol";
import {ILendingStatements} from "./interfaces/ILendingStatements.sol";
import {IMandates} from "./interfaces/IMandates.sol";
import {IMarketCalendar} from "./interfaces/IMarketCalendar.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {Dates} from "./libraries/Dates.sol";
import {PlatformControlled} from "./PlatformControlled.sol";
import {Recipients} from "./libraries/Recipients.sol";

/// @title LendingStatements
/// @notice Billing statements of securities lending: matching by commitments and signed verdicts,
/// breaks, resolutions, settlement; see {ILendingStatements}.
contract LendingStatements is PlatformControlled, EIP712, ILendingStatements {
    /// @notice Most recipients a sealed payload may name.
    uint256 public constant MAX_RECIPIENTS = 8;
    /// @notice The EIP-712 type of a party's verdict that a submitter's figures are within the
    /// tolerance of the pair's settings version.
    bytes32 public constant VERDICT_TYPEHASH =
        keccak256("Verdict(bytes32 statementId,bytes32 platform,bytes32 submitted,uint32 settingsVersion)");

    /// @dev A party's latest submitted figures, the parties whose verdicts accepted them, and
    /// whether a party refused them.
    struct Submission {
        bool submitted;
        bytes32 amounts;
        uint8 verdicts;
        bool refused;
    }

    IParticipantRegistry private immutable _participants;
    ILendingAgreements private immutable _agreements;
    ILendingPairs private immutable _pairs;
    IMarketCalendar private immutable _calendar;
    IMandates private immutable _mandates;

    mapping(bytes32 statementId => Statement) private _statements;
    mapping(bytes32 statementId => mapping(Role role => Submission)) private _submissions;
    mapping(bytes32 statementId => mapping(uint32 resolution => Resolution)) private _resolutions;
    mapping(bytes32 unitKey => uint32 end) private _lastEnd;
    mapping(bytes32 statementId => uint8 sides) private _settlementConfirmed;
    mapping(bytes32 statementId => uint8 parties) private _voidApprovals;
    mapping(bytes32 statementId => uint32 end) private _previousEnd;
    /// @dev The statement's refused resolution (only the current one is refused).
    mapping(bytes32 statementId => uint32 resolution) private _refusedResolution;

    /// @param access_ The deployed PlatformAccess.
    /// @param participants_ The deployed ParticipantRegistry.
    /// @param agreements_ The deployed LendingAgreements (the units of matching by agreement).
    /// @param pairs_ The deployed LendingPairs (the pairs' settings).
    /// @param calendar_ The deployed MarketCalendar (the overdue dates).
    /// @param mandates_ The deployed Mandates (a pair's agent acts under the lender's mandate).
    constructor(
        IPlatformAccess access_,
        IParticipantRegistry participants_,
        ILendingAgreements agreements_,
        ILendingPairs pairs_,
        IMarketCalendar calendar_,
        IMandates mandates_
    ) PlatformControlled(access_) EIP712("B-POST LendingStatements", "1") {
        _participants = participants_;
        _agreements = agreements_;
        _pairs = pairs_;
        _calendar = calendar_;
        _mandates = mandates_;
    }

    // ----------------------------------------------------------------------------------------
    // Statements

    /// @inheritdoc ILendingStatements
    /// @dev For the unit Agreement the statement's agent is the agreement's (it alone sees the
    /// sealed terms); for the other units, the pair's. The closing party must be one of the
    /// statement's parties.
    function commitStatement(StatementInput calldata input, IConfidential.Sealed calldata opening)
        external
        returns (bytes32 statementId)
    {
        _requireNotPaused();
        bytes20 caller = _caller();
        statementId = statementIdOf(
            input.lender, input.borrower, input.unit, input.unitKey, input.currency, input.start, input.end
        );
        Status previous = _statements[statementId].status;
        if (previous != Status.None && previous != Status.Withdrawn && previous != Status.Voided) {
            revert LendingStatementsExists(statementId);
        }
        ILendingPairs.PairSettings memory settings = _pairs.pairSettings(input.lender, input.borrower);
        if (input.unit != settings.unit) revert LendingStatementsUnitMismatch(statementId, settings.unit);
        bytes20 agent =
            input.unit == ILendingPairs.Unit.Agreement ? _agreementAgent(statementId, input) : settings.agent;
        _checkInput(statementId, input, settings.billingMonths);
        Role role = _roleOf(statementId, caller, input.lender, input.borrower, agent);
        if (role == Role.Agent && input.unit != ILendingPairs.Unit.Agreement) {
            _requireMandated(input.lender, input.borrower, agent);
        }
        _checkRecipients(statementId, opening, input.lender, input.borrower, agent);
        // The n-th business day after the period: from the next day (its first business day is
        // the 1st), n - 1 more.
        uint32 overdueAfter = _calendar.addBusinessDays(
            settings.market, Dates.fromDays(Dates.toDays(input.end) + 1), settings.overdueBusinessDays - 1
        );
        if (previous != Status.None) _clear(statementId);
        _previousEnd[statementId] = _lastEnd[_unitKey(input)];
        _store(_statements[statementId], input, agent, caller, role, overdueAfter, settings.version);
        _emitCommitted(statementId, input, opening);
    }

    /// @inheritdoc ILendingStatements
    function confirm(bytes32 statementId) external {
        (Statement storage statement, bytes20 caller, Role role) = _open(statementId);
        Status status = _agree(statement, role);
        emit StatementConfirmed(statementId, caller, role, status);
    }

    /// @inheritdoc ILendingStatements
    function submitFigures(bytes32 statementId, bytes32 amounts, IConfidential.Sealed calldata figures) external {
        (Statement storage statement, bytes20 caller, Role role) = _open(statementId);
        if (amounts == bytes32(0)) revert LendingStatementsEmptyCommitment(statementId);
        _checkSealed(statementId, figures, statement);
        _submissions[statementId][role] = Submission(true, amounts, 0, false);
        bool equal = amounts == statement.platform;
        Status status;
        if (equal) {
            status = _agree(statement, role);
        } else {
            uint8 bit = _bit(role);
            statement.agreed &= ~bit;
            statement.disputed |= bit;
            status = Status.Break;
            statement.status = status;
        }
        emit FiguresSubmitted(statementId, caller, role, amounts, equal, status, figures);
    }

    /// @inheritdoc ILendingStatements
    function recordVerdicts(bytes32 statementId, Role submitter, bytes[] calldata verdicts) external {
        (Statement storage statement,,) = _open(statementId);
        uint8 parties = _parties(statement);
        if (verdicts.length > 3) revert LendingStatementsTooManyVerdicts(verdicts.length, 3);
        Submission storage submission = _submissions[statementId][submitter];
        uint8 bit = _bit(submitter);
        if (!submission.submitted || statement.disputed & bit == 0) {
            revert LendingStatementsNotDisputed(statementId, submitter);
        }
        if (submission.refused) revert LendingStatementsFiguresRefused(statementId, submitter);
        bytes32 digest = _hashTypedDataV4(
            keccak256(
                abi.encode(
                    VERDICT_TYPEHASH, statementId, statement.platform, submission.amounts, statement.settingsVersion
                )
            )
        );
        uint8 given = submission.verdicts;
        for (uint256 i = 0; i < verdicts.length; ++i) {
            given |= _verdict(statement, statementId, submitter, digest, verdicts[i]);
        }
        submission.verdicts = given;
        if (given == parties) {
            Status status = _agree(statement, submitter);
            emit FiguresAccepted(statementId, submitter, status);
        }
    }

    /// @dev One party's verdict: its bit, once its signer is an active operator of a party.
    function _verdict(
        Statement storage statement,
        bytes32 statementId,
        Role submitter,
        bytes32 digest,
        bytes calldata signature
    ) private returns (uint8 party) {
        (address signer, ECDSA.RecoverError error,) = ECDSA.tryRecover(digest, signature);
        bytes20 lei = error == ECDSA.RecoverError.NoError ? _operatorOf(signer) : bytes20(0);
        if (lei != bytes20(0)) party = _partyBit(statement, lei);
        if (party == 0) revert LendingStatementsInvalidVerdict(statementId, signer);
        emit VerdictRecorded(statementId, submitter, lei, signer);
    }

    /// @inheritdoc ILendingStatements
    function refuseStatement(bytes32 statementId, Refusal reason) external {
        _requireNotPaused();
        bytes20 caller = _caller();
        Statement storage statement = _existing(statementId);
        Role role = _roleOf(statement, statementId, caller);
        if (caller == statement.closer) revert LendingStatementsCloserRefused(caller, statementId);
        if (statement.status != Status.Open) revert LendingStatementsWrongStatus(statementId, statement.status);
        statement.status = Status.Refused;
        emit StatementRefused(statementId, caller, role, reason);
    }

    /// @inheritdoc ILendingStatements
    /// @dev Who: a party (active) other than the submitter or the proposer.
    function refusePayload(bytes32 statementId, Payload payload, uint32 index, Refusal reason) external {
        Statement storage statement;
        bytes20 caller;
        Role role;
        if (payload == Payload.Figures) {
            (statement, caller, role) = _open(statementId);
            if (index > uint32(Role.Agent)) revert LendingStatementsNoPayload(statementId, payload, index);
            Submission storage submission = _submissions[statementId][Role(index)];
            if (!submission.submitted) revert LendingStatementsNoPayload(statementId, payload, index);
            if (index == uint32(role)) revert LendingStatementsOwnPayload(caller, statementId, payload, index);
            if (submission.refused) revert LendingStatementsFiguresRefused(statementId, Role(index));
            submission.refused = true;
        } else {
            (statement, caller, role) = _broken(statementId);
            uint32 current = statement.resolutions;
            if (index == 0 || index != current) revert LendingStatementsStaleResolution(statementId, index, current);
            Resolution storage proposal = _resolutions[statementId][index];
            if (proposal.kind != ResolutionKind.Adjusted) {
                revert LendingStatementsNoPayload(statementId, payload, index);
            }
            if (proposal.proposedBy == caller) revert LendingStatementsOwnPayload(caller, statementId, payload, index);
            if (_refusedResolution[statementId] == index) revert LendingStatementsResolutionRefused(statementId, index);
            _refusedResolution[statementId] = index;
        }
        emit PayloadRefused(statementId, caller, role, payload, index, reason);
    }

    /// @inheritdoc ILendingStatements
    function comment(bytes32 statementId, IConfidential.Sealed calldata sealedComment) external {
        _requireNotPaused();
        bytes20 caller = _caller();
        Statement storage statement = _existing(statementId);
        _roleOf(statement, statementId, caller);
        _checkSealed(statementId, sealedComment, statement);
        emit StatementCommented(statementId, caller, sealedComment);
    }

    /// @inheritdoc ILendingStatements
    function proposeResolution(
        bytes32 statementId,
        ResolutionKind kind,
        Role party,
        bytes32 adjusted,
        IConfidential.Sealed calldata sealedAmounts
    ) external returns (uint32 resolution) {
        (Statement storage statement, bytes20 caller, Role role) = _broken(statementId);
        if (kind == ResolutionKind.Adjusted) {
            if (adjusted == bytes32(0)) revert LendingStatementsEmptyCommitment(statementId);
            _checkSealed(statementId, sealedAmounts, statement);
        } else if (adjusted != bytes32(0) || sealedAmounts.commitment != bytes32(0)) {
            revert LendingStatementsUnexpectedAmounts(statementId, kind);
        }
        Resolution memory proposal;
        proposal.kind = kind;
        proposal.proposedBy = caller;
        proposal.approved = _bit(role);
        if (kind == ResolutionKind.Platform) {
            proposal.amounts = statement.platform;
        } else if (kind == ResolutionKind.Party) {
            Submission storage submission = _submissions[statementId][party];
            if (!submission.submitted) revert LendingStatementsNoFigures(statementId, party);
            if (submission.refused) revert LendingStatementsFiguresRefused(statementId, party);
            proposal.party = party;
            proposal.amounts = submission.amounts;
        } else {
            proposal.amounts = adjusted;
        }
        resolution = statement.resolutions + 1;
        statement.resolutions = resolution;
        _resolutions[statementId][resolution] = proposal;
        emit ResolutionProposed(statementId, resolution, proposal, sealedAmounts);
        if (proposal.approved == _parties(statement)) _resolve(statement, statementId, resolution, caller, proposal);
    }

    /// @inheritdoc ILendingStatements
    function approveResolution(bytes32 statementId, uint32 resolution) external {
        (Statement storage statement, bytes20 caller, Role role) = _broken(statementId);
        uint32 current = statement.resolutions;
        if (resolution == 0 || resolution != current) {
            revert LendingStatementsStaleResolution(statementId, resolution, current);
        }
        if (_refusedResolution[statementId] == resolution) {
            revert LendingStatementsResolutionRefused(statementId, resolution);
        }
        Resolution storage proposal = _resolutions[statementId][resolution];
        proposal.approved |= _bit(role);
        if (proposal.approved == _parties(statement)) {
            _resolve(statement, statementId, resolution, caller, proposal);
        } else {
            emit ResolutionApproved(statementId, resolution, caller, Status.Break);
        }
    }

    /// @inheritdoc ILendingStatements
    /// @dev A party flags, once: a second flag reverts with {LendingStatementsFlaggedAlready}.
    function flagOverdue(bytes32 statementId) external {
        _requireNotPaused();
        bytes20 caller = _caller();
        Statement storage statement = _existing(statementId);
        _roleOf(statement, statementId, caller);
        if (statement.status != Status.Break) revert LendingStatementsWrongStatus(statementId, statement.status);
        if (statement.overdue) revert LendingStatementsFlaggedAlready(statementId);
        uint32 overdueAfter = statement.overdueAfter;
        if (_today() <= overdueAfter) revert LendingStatementsNotOverdue(statementId, overdueAfter);
        statement.overdue = true;
        emit StatementFlaggedOverdue(statementId, overdueAfter, caller);
    }

    /// @inheritdoc ILendingStatements
    function confirmSettlement(bytes32 statementId, bytes32 settlementReference) external {
        _requireNotPaused();
        bytes20 caller = _caller();
        Statement storage statement = _existing(statementId);
        Role role = _roleOf(statement, statementId, caller);
        if (role == Role.Agent) revert LendingStatementsNotSettlingParty(caller, statementId);
        Status status = statement.status;
        if (status != Status.Matched && status != Status.Resolved) {
            revert LendingStatementsWrongStatus(statementId, status);
        }
        if (settlementReference == bytes32(0)) revert LendingStatementsEmptySettlementReference(statementId);
        uint8 sides = _settlementConfirmed[statementId];
        uint8 bit = _bit(role);
        if (sides & bit != 0) revert LendingStatementsSettlementConfirmed(statementId, role);
        if (sides != 0 && statement.settlementReference != settlementReference) {
            revert LendingStatementsSettlementMismatch(statementId, settlementReference, statement.settlementReference);
        }
        sides |= bit;
        _settlementConfirmed[statementId] = sides;
        statement.settlementReference = settlementReference;
        if (sides == _bit(Role.Lender) | _bit(Role.Borrower)) status = Status.Settled;
        statement.status = status;
        emit SettlementConfirmed(statementId, caller, role, settlementReference, status);
        if (status == Status.Settled) emit StatementSettled(statementId, caller, settlementReference);
    }

    /// @inheritdoc ILendingStatements
    function withdrawStatement(bytes32 statementId) external {
        _requireNotPaused();
        bytes20 caller = _caller();
        Statement storage statement = _existing(statementId);
        if (caller != statement.closer) revert LendingStatementsNotCloser(caller, statementId, statement.closer);
        Status current = statement.status;
        if (current != Status.Open && current != Status.Refused) revert LendingStatementsWrongStatus(statementId, current);
        statement.status = Status.Withdrawn;
        emit StatementWithdrawn(statementId, caller, _release(statement, statementId));
    }

    /// @inheritdoc ILendingStatements
    function approveVoid(bytes32 statementId) external {
        _requireNotPaused();
        bytes20 caller = _caller();
        Statement storage statement = _existing(statementId);
        Role role = _roleOf(statement, statementId, caller);
        Status status = statement.status;
        if (status == Status.Settled || status == Status.Withdrawn || status == Status.Voided) {
            revert LendingStatementsWrongStatus(statementId, status);
        }
        uint8 approvals = _voidApprovals[statementId];
        uint8 bit = _bit(role);
        if (approvals & bit != 0) revert LendingStatementsVoidApproved(statementId, role);
        approvals |= bit;
        _voidApprovals[statementId] = approvals;
        bool released = false;
        if (approvals == _parties(statement)) {
            status = Status.Voided;
            statement.status = status;
            released = _release(statement, statementId);
        }
        emit VoidApproved(statementId, caller, role, status, released);
    }

    /// @inheritdoc ILendingStatements
    function settlementConfirmations(bytes32 statementId) external view returns (uint8) {
        _existing(statementId);
        return _settlementConfirmed[statementId];
    }

    // ----------------------------------------------------------------------------------------
    // Views

    /// @inheritdoc ILendingStatements
    function getStatement(bytes32 statementId) external view returns (Statement memory) {
        return _existing(statementId);
    }

    /// @inheritdoc ILendingStatements
    function submittedFigures(bytes32 statementId, Role role)
        external
        view
        returns (bool submitted, bytes32 amounts, uint8 verdicts)
    {
        _existing(statementId);
        Submission storage submission = _submissions[statementId][role];
        return (submission.submitted, submission.amounts, submission.verdicts);
    }

    /// @inheritdoc ILendingStatements
    function getResolution(bytes32 statementId, uint32 resolution) external view returns (Resolution memory) {
        Statement storage statement = _existing(statementId);
        if (resolution == 0 || resolution > statement.resolutions) {
            revert LendingStatementsUnknownResolution(statementId, resolution, statement.resolutions);
        }
        return _resolutions[statementId][resolution];
    }


    /// @inheritdoc ILendingStatements
    function isOverdue(bytes32 statementId) external view returns (bool) {
        Statement storage statement = _statements[statementId];
        return statement.status == Status.Break && _today() > statement.overdueAfter;
    }

    /// @inheritdoc ILendingStatements
    function statementIdOf(
        bytes20 lender,
        bytes20 borrower,
        ILendingPairs.Unit unit,
        bytes32 unitKey,
        bytes3 currency,
        uint32 start,
        uint32 end
    ) public pure returns (bytes32) {
        return keccak256(abi.encode(lender, borrower, unit, unitKey, currency, start, end));
    }

    // ----------------------------------------------------------------------------------------
    // Private

    /// @dev The agent of an agreement that is the statement's unit, once both its terms and its
    /// movements are agreed.
    function _agreementAgent(bytes32 statementId, StatementInput calldata input) private view returns (bytes20) {
        bytes32 agreementId = input.unitKey;
        if (agreementId == bytes32(0)) revert LendingStatementsInvalidUnitKey(statementId, input.unit, agreementId);
        try _agreements.getAgreement(agreementId) returns (ILendingAgreements.Agreement memory agreement) {
            if (agreement.lender != input.lender || agreement.borrower != input.borrower) {
                revert LendingStatementsAgreementOfOthers(agreementId, agreement.lender, agreement.borrower);
            }
            if (agreement.acknowledgedVersion == 0 || agreement.confirmedMovementsVersion == 0) {
                revert LendingStatementsAgreementNotAgreed(agreementId);
            }
            return agreement.agent;
        } catch {
            revert LendingStatementsUnknownAgreement(agreementId);
        }
    }

    /// @dev The fields of a statement: its period after the unit's last one and within the pair's
    /// billing period (the calendar months it spans).
    function _checkInput(bytes32 statementId, StatementInput calldata input, uint8 billingMonths) private view {
        if ((input.unitKey == bytes32(0)) != (input.unit == ILendingPairs.Unit.Counterparty)) {
            revert LendingStatementsInvalidUnitKey(statementId, input.unit, input.unitKey);
        }
        uint32 start = input.start;
        uint32 end = input.end;
        if (!Dates.isValid(start) || !Dates.isValid(end) || end < start) {
            revert LendingStatementsInvalidPeriod(statementId, start, end);
        }
        // yyyymmdd: months since year 0 of the last day minus those of the first.
        if ((end / 10_000 * 12 + end / 100 % 100) - (start / 10_000 * 12 + start / 100 % 100) >= billingMonths) {
            revert LendingStatementsPeriodTooLong(statementId, start, end, billingMonths);
        }
        if (!Dates.isValid(input.settlementDate) || input.settlementDate <= end) {
            revert LendingStatementsInvalidSettlementDate(statementId, input.settlementDate, end);
        }
        if (input.currency == bytes3(0)) revert LendingStatementsNoCurrency(statementId);
        if (input.detailCommitment == bytes32(0)) revert LendingStatementsNoDetail(statementId);
        if (input.amounts == bytes32(0)) revert LendingStatementsEmptyCommitment(statementId);
        uint32 lastEnd = _lastEnd[_unitKey(input)];
        if (start <= lastEnd) revert LendingStatementsOverlap(statementId, lastEnd);
    }

    function _unitKey(StatementInput calldata input) private pure returns (bytes32) {
        return keccak256(abi.encode(input.lender, input.borrower, input.unit, input.unitKey, input.currency));
    }

    function _store(
        Statement storage statement,
        StatementInput calldata input,
        bytes20 agent,
        bytes20 closer,
        Role role,
        uint32 overdueAfter,
        uint32 settingsVersion
    ) private {
        statement.lender = input.lender;
        statement.borrower = input.borrower;
        statement.agent = agent;
        statement.closer = closer;
        statement.unit = input.unit;
        statement.status = Status.Open;
        statement.currency = input.currency;
        statement.start = input.start;
        statement.end = input.end;
        statement.settlementDate = input.settlementDate;
        statement.overdueAfter = overdueAfter;
        statement.agreed = _bit(role);
        statement.settingsVersion = settingsVersion;
        statement.platform = input.amounts;
        statement.unitKey = input.unitKey;
        statement.detailCommitment = input.detailCommitment;
        _lastEnd[_unitKey(input)] = input.end;
    }

    /// @dev Announce a stored statement (its own function for the stack's sake).
    function _emitCommitted(bytes32 statementId, StatementInput calldata input, IConfidential.Sealed calldata salt)
        private
    {
        Statement storage statement = _statements[statementId];
        emit StatementCommitted(
            statementId,
            input.lender,
            input.borrower,
            input,
            statement.agent,
            statement.closer,
            statement.overdueAfter,
            statement.settingsVersion,
            salt
        );
    }

    /// @dev Give a withdrawn or voided statement's period back when it is its unit's latest.
    function _release(Statement storage statement, bytes32 statementId) private returns (bool) {
        bytes32 unit = keccak256(
            abi.encode(statement.lender, statement.borrower, statement.unit, statement.unitKey, statement.currency)
        );
        if (_lastEnd[unit] != statement.end) return false;
        _lastEnd[unit] = _previousEnd[statementId];
        return true;
    }

    /// @dev Forget a withdrawn or voided statement before its period is committed anew.
    function _clear(bytes32 statementId) private {
        delete _statements[statementId];
        delete _submissions[statementId][Role.Lender];
        delete _submissions[statementId][Role.Borrower];
        delete _submissions[statementId][Role.Agent];
        delete _settlementConfirmed[statementId];
        delete _voidApprovals[statementId];
        delete _refusedResolution[statementId];
    }

    /// @dev A party agrees: the statement is matched when every party agrees and none disputes.
    function _agree(Statement storage statement, Role role) private returns (Status status) {
        uint8 bit = _bit(role);
        uint8 agreed = statement.agreed | bit;
        uint8 disputed = statement.disputed & ~bit;
        statement.agreed = agreed;
        statement.disputed = disputed;
        if (disputed != 0) {
            status = Status.Break;
        } else if (agreed == _parties(statement)) {
            status = Status.Matched;
            statement.settled = statement.platform;
        } else {
            status = Status.Open;
        }
        statement.status = status;
    }

    function _resolve(
        Statement storage statement,
        bytes32 statementId,
        uint32 resolution,
        bytes20 by,
        Resolution memory proposal
    ) private {
        statement.status = Status.Resolved;
        statement.settled = proposal.amounts;
        emit ResolutionApproved(statementId, resolution, by, Status.Resolved);
    }

    /// @dev A statement a party may confirm or submit figures to (Open or Break), the caller and
    /// its role.
    function _open(bytes32 statementId) private view returns (Statement storage statement, bytes20 caller, Role role) {
        _requireNotPaused();
        caller = _caller();
        statement = _existing(statementId);
        role = _roleOf(statement, statementId, caller);
        if (statement.status != Status.Open && statement.status != Status.Break) {
            revert LendingStatementsWrongStatus(statementId, statement.status);
        }
    }

    /// @dev A broken statement, the calling party and its role.
    function _broken(bytes32 statementId)
        private
        view
        returns (Statement storage statement, bytes20 caller, Role role)
    {
        _requireNotPaused();
        caller = _caller();
        statement = _existing(statementId);
        role = _roleOf(statement, statementId, caller);
        if (statement.status != Status.Break) revert LendingStatementsWrongStatus(statementId, statement.status);
    }

    function _existing(bytes32 statementId) private view returns (Statement storage statement) {
        statement = _statements[statementId];
        if (statement.status == Status.None) revert LendingStatementsUnknown(statementId);
    }

    function _roleOf(Statement storage statement, bytes32 statementId, bytes20 lei) private view returns (Role) {
        return _roleOf(statementId, lei, statement.lender, statement.borrower, statement.agent);
    }

    /// @dev The bit of `lei` among a statement's parties, zero when it is none.
    function _partyBit(Statement storage statement, bytes20 lei) private view returns (uint8) {
        if (lei == statement.lender) return _bit(Role.Lender);
        if (lei == statement.borrower) return _bit(Role.Borrower);
        if (lei == statement.agent && lei != bytes20(0)) return _bit(Role.Agent);
        return 0;
    }

    /// @dev The active institution an address operates for, zero when none.
    function _operatorOf(address account) private view returns (bytes20) {
        return _participants.isActiveOperator(account) ? _participants.institutionOf(account) : bytes20(0);
    }

    function _roleOf(bytes32 statementId, bytes20 lei, bytes20 lender, bytes20 borrower, bytes20 agent)
        private
        pure
        returns (Role)
    {
        if (lei == lender) return Role.Lender;
        if (lei == borrower) return Role.Borrower;
        if (lei == agent && lei != bytes20(0)) return Role.Agent;
        revert LendingStatementsNotParty(lei, statementId);
    }

    /// @dev The mask of every party of a statement.
    function _parties(Statement storage statement) private view returns (uint8) {
        return statement.agent == bytes20(0) ? 3 : 7;
    }

    function _bit(Role role) private pure returns (uint8) {
        return uint8(1 << uint8(role));
    }


    function _today() private view returns (uint32) {
        return Dates.fromDays(block.timestamp / 1 days);
    }

    function _caller() private view returns (bytes20 lei) {
        lei = _participants.institutionOf(msg.sender);
        (, IParticipantRegistry.InstitutionStatus status) = _participants.statusOf(lei);
        if (lei == bytes20(0) || status != IParticipantRegistry.InstitutionStatus.Active) {
            revert LendingStatementsNotInstitution(msg.sender);
        }
    }

    /// @dev A pair's agent (if any) holds the lender's lending-agent mandate for the borrower (or
    /// every borrower), in force now. An agreement's agent is bound through its agreement instead.
    /// (The pair's settings were checked by {LendingPairs}; the mandate may have ended since.)
    function _requireMandated(bytes20 lender, bytes20 borrower, bytes20 agent) private view {
        if (
            agent != bytes20(0)
                && !_mandates.isMandated(lender, agent, IMandates.Scope.LendingAgent, bytes32(borrower))
        ) revert LendingStatementsAgentNotMandated(lender, borrower, agent);
    }


    /// @dev A sealed payload names every party of the statement among its recipients, and commits
    /// to something.
    function _checkSealed(bytes32 statementId, IConfidential.Sealed calldata payload, Statement storage statement)
        private
        view
    {
        _checkRecipients(statementId, payload, statement.lender, statement.borrower, statement.agent);
    }

    function _checkRecipients(
        bytes32 statementId,
        IConfidential.Sealed calldata payload,
        bytes20 lender,
        bytes20 borrower,
        bytes20 agent
    ) private pure {
        if (payload.commitment == bytes32(0)) revert LendingStatementsEmptySealed(statementId);
        uint256 count = payload.recipients.length;
        if (count > MAX_RECIPIENTS) revert LendingStatementsTooManyRecipients(statementId, count, MAX_RECIPIENTS);
        bytes20 missing = Recipients.firstMissing(payload, lender, borrower, agent);
        if (missing != bytes20(0)) revert LendingStatementsRecipientMissing(statementId, missing);
    }
}
