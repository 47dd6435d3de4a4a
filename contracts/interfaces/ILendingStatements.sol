// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IConfidential} from "./IConfidential.sol";

/// @title Lending billing statements: matching, breaks, resolution, settlement (use case 3)
/// @notice At the end of a billing period the party that closes it (usually the lending agent)
/// commits the platform's figures of one unit of matching (an agreement, a security or the whole
/// counterparty pair, in one currency): the amounts in minor units and a salted hash of the
/// per-day detail. Every other party confirms them or submits its own figures; a statement is
/// matched when every party's figures equal the platform's within the pair's tolerance, a break
/// otherwise. The parties comment on a break and agree a resolution (the platform's figures, one
/// party's, or adjusted ones); a matched or resolved statement is marked settled once its
/// settlement instructions are paid: the lender and the borrower each confirm the settlement
/// with the same reference, and it is settled when both have (no single party, the payer
/// included, can declare it settled).
///
///     Open -> Matched | Break;  Break -> Open | Matched (a disputing party confirms);
///     Break -> Resolved (every party approves one resolution);  Matched | Resolved -> Settled;
///     Open -> Withdrawn (its closer);  Open | Matched | Break | Resolved -> Voided (every party).
///
/// A withdrawn or voided statement releases its period when it is the unit's latest, and its
/// period can then be committed anew (the same statement id, a fresh record).
///
/// Each counterparty pair (lender, borrower) agrees its settings: the unit of matching, the
/// lending agent if any, the calendar, the number n of business days a break may stay
/// unresolved (14 by default, as in ISLA practice: after the n-th business day following the
/// period's last day, `overdueAfter`, it is overdue), the billing period (the calendar months a
/// statement may span) and the tolerance. The closing party chooses neither: a statement takes
/// the pair's tolerance and its period may not exceed the pair's billing period.
interface ILendingStatements {
    /// @notice The unit of matching of a counterparty pair.
    enum Unit {
        Agreement,
        Security,
        Counterparty
    }

    /// @notice Where a statement stands.
    enum Status {
        None,
        Open,
        Matched,
        Break,
        Resolved,
        Settled,
        Withdrawn,
        Voided
    }

    /// @notice A party of a statement; bit `1 << uint8(role)` in the statement's masks.
    enum Role {
        Lender,
        Borrower,
        Agent
    }

    /// @notice What a resolution settles on.
    enum ResolutionKind {
        Platform,
        Party,
        Adjusted
    }

    /// @notice A statement's amounts in the currency's minor unit; the net the borrower pays is
    /// `fee + dividendEquivalent - collateralInterest`.
    struct Amounts {
        int64 fee;
        int64 collateralInterest;
        int64 dividendEquivalent;
    }

    /// @notice A counterparty pair's settings, as proposed by one of them and accepted by the
    /// other. Without accepted settings: unit Agreement, no agent, XTKS, 14 business days, a
    /// tolerance of 0, monthly billing.
    /// @dev `tolerance`: the most each amount of a party's figures may differ from the platform's
    /// and still match, in minor units of the statement's currency. `billingMonths`: the calendar
    /// months a statement's period may span at most.
    struct PairSettings {
        Unit unit;
        bytes20 agent;
        bytes4 market;
        uint16 overdueBusinessDays;
        uint8 billingMonths;
        uint64 tolerance;
        uint32 version;
        bytes20 proposedBy;
        bool accepted;
    }

    /// @notice What the closing party commits.
    /// @dev `unitKey`: the agreement id (Agreement), the ISIN left-aligned (Security), zero
    /// (Counterparty). `detailCommitment`: keccak256(salt || canonical per-day detail).
    struct StatementInput {
        bytes20 lender;
        bytes20 borrower;
        Unit unit;
        bytes32 unitKey;
        bytes3 currency;
        uint32 start;
        uint32 end;
        uint32 settlementDate;
        Amounts amounts;
        bytes32 detailCommitment;
    }

    /// @notice A statement as stored (its tolerance is the pair's when committed).
    struct Statement {
        bytes20 lender;
        bytes20 borrower;
        bytes20 agent;
        bytes20 closer;
        Unit unit;
        Status status;
        bytes3 currency;
        uint32 start;
        uint32 end;
        uint32 settlementDate;
        uint32 overdueAfter;
        bool overdue;
        uint8 agreed;
        uint8 disputed;
        uint32 resolutions;
        uint64 tolerance;
        Amounts platform;
        Amounts settled;
        bytes32 unitKey;
        bytes32 detailCommitment;
        bytes32 settlementReference;
    }

    /// @notice A proposed resolution.
    struct Resolution {
        ResolutionKind kind;
        Role party;
        Amounts amounts;
        bytes20 proposedBy;
        uint8 approved;
    }

    /// @notice The caller's account belongs to no active institution.
    /// @param account The caller.
    error LendingStatementsNotInstitution(address account);
    /// @notice The caller's institution is no party of the statement.
    /// @param lei The caller's institution.
    /// @param statementId The statement.
    error LendingStatementsNotParty(bytes20 lei, bytes32 statementId);
    /// @notice A statement of this unit and period is on record and neither withdrawn nor voided.
    /// @param statementId The statement.
    error LendingStatementsExists(bytes32 statementId);
    /// @notice No statement has this id.
    /// @param statementId The id.
    error LendingStatementsUnknown(bytes32 statementId);
    /// @notice The statement's status does not allow the operation.
    /// @param statementId The statement.
    /// @param status Its status.
    error LendingStatementsWrongStatus(bytes32 statementId, Status status);
    /// @notice The period starts on or before the end of the unit's latest statement.
    /// @param statementId The statement.
    /// @param lastEnd The last day of the unit's latest statement.
    error LendingStatementsOverlap(bytes32 statementId, uint32 lastEnd);
    /// @notice The statement's unit is not the one the pair's settings name.
    /// @param statementId The statement.
    /// @param configured The pair's unit.
    error LendingStatementsUnitMismatch(bytes32 statementId, Unit configured);
    /// @notice The agreement's terms or movements are not yet acknowledged and confirmed.
    /// @param agreementId The agreement.
    error LendingStatementsAgreementNotAgreed(bytes32 agreementId);
    /// @notice The resolution approved is not the statement's current one.
    /// @param statementId The statement.
    /// @param resolution The resolution given.
    /// @param current The current resolution.
    error LendingStatementsStaleResolution(bytes32 statementId, uint32 resolution, uint32 current);
    /// @notice A resolution names the figures of a party that submitted none.
    /// @param statementId The statement.
    /// @param party The party named.
    error LendingStatementsNoFigures(bytes32 statementId, Role party);
    /// @notice The break's overdue date has not passed.
    /// @param statementId The statement.
    /// @param overdueAfter Its overdue date, yyyymmdd.
    error LendingStatementsNotOverdue(bytes32 statementId, uint32 overdueAfter);
    /// @notice The statement is flagged overdue already.
    /// @param statementId The statement.
    error LendingStatementsFlaggedAlready(bytes32 statementId);
    /// @notice A settlement is confirmed with an empty reference.
    /// @param statementId The statement.
    error LendingStatementsEmptySettlementReference(bytes32 statementId);
    /// @notice No resolution of the statement has this number.
    /// @param statementId The statement.
    /// @param resolution The number given.
    /// @param count The statement's resolutions so far.
    error LendingStatementsUnknownResolution(bytes32 statementId, uint32 resolution, uint32 count);
    /// @notice The unit key does not fit the unit: an agreement id for Agreement, an ISIN for
    /// Security, zero for Counterparty.
    /// @param statementId The statement.
    /// @param unit The unit.
    /// @param unitKey The key given.
    error LendingStatementsInvalidUnitKey(bytes32 statementId, Unit unit, bytes32 unitKey);
    /// @notice No agreement has this id.
    /// @param agreementId The id given as the unit key.
    error LendingStatementsUnknownAgreement(bytes32 agreementId);
    /// @notice The agreement is not between the statement's lender and borrower.
    /// @param agreementId The agreement.
    /// @param lender The agreement's lender.
    /// @param borrower The agreement's borrower.
    error LendingStatementsAgreementOfOthers(bytes32 agreementId, bytes20 lender, bytes20 borrower);
    /// @notice The period's days are not valid dates, or it ends before it starts.
    /// @param statementId The statement.
    /// @param start The first day given.
    /// @param end The last day given.
    error LendingStatementsInvalidPeriod(bytes32 statementId, uint32 start, uint32 end);
    /// @notice The period spans more calendar months than the pair's billing period.
    /// @param statementId The statement.
    /// @param start The first day.
    /// @param end The last day.
    /// @param billingMonths The pair's billing period in months.
    error LendingStatementsPeriodTooLong(bytes32 statementId, uint32 start, uint32 end, uint8 billingMonths);
    /// @notice The settlement date is not a valid date after the period.
    /// @param statementId The statement.
    /// @param settlementDate The date given.
    /// @param end The period's last day.
    error LendingStatementsInvalidSettlementDate(bytes32 statementId, uint32 settlementDate, uint32 end);
    /// @notice The statement names no currency.
    /// @param statementId The statement.
    error LendingStatementsNoCurrency(bytes32 statementId);
    /// @notice The statement commits to no per-day detail.
    /// @param statementId The statement.
    error LendingStatementsNoDetail(bytes32 statementId);
    /// @notice A sealed payload commits to nothing.
    /// @param statementId The statement.
    error LendingStatementsEmptySealed(bytes32 statementId);
    /// @notice A sealed payload names more recipients than a statement has room for.
    /// @param statementId The statement.
    /// @param count The recipients named.
    /// @param max The most allowed.
    error LendingStatementsTooManyRecipients(bytes32 statementId, uint256 count, uint256 max);
    /// @notice A sealed payload is not sealed to one of the statement's parties.
    /// @param statementId The statement.
    /// @param lei The party left out.
    error LendingStatementsRecipientMissing(bytes32 statementId, bytes20 lei);
    /// @notice A pair's lender and borrower are the same institution.
    /// @param lei The institution.
    error LendingStatementsSameParty(bytes20 lei);
    /// @notice Only the pair's lender or borrower proposes its settings.
    /// @param lei The caller's institution.
    /// @param lender The pair's lender.
    /// @param borrower The pair's borrower.
    error LendingStatementsNotPairParty(bytes20 lei, bytes20 lender, bytes20 borrower);
    /// @notice The other party of the pair is no active institution of the platform.
    /// @param lei The LEI named.
    error LendingStatementsUnknownParty(bytes20 lei);
    /// @notice The agent named is a party of the pair or no active lending agent.
    /// @param agent The LEI named.
    error LendingStatementsInvalidAgent(bytes20 agent);
    /// @notice The pair's agent holds no lending-agent mandate of the lender for the borrower
    /// (or every borrower) in force.
    /// @param lender The pair's lender.
    /// @param borrower The pair's borrower.
    /// @param agent The agent.
    error LendingStatementsAgentNotMandated(bytes20 lender, bytes20 borrower, bytes20 agent);
    /// @notice The settings name no calendar.
    /// @param lender The pair's lender.
    /// @param borrower The pair's borrower.
    error LendingStatementsNoMarket(bytes20 lender, bytes20 borrower);
    /// @notice The business days a break may stay open are zero or more than the most allowed.
    /// @param overdueBusinessDays The days given.
    /// @param max The most allowed.
    error LendingStatementsInvalidOverdueDays(uint16 overdueBusinessDays, uint16 max);
    /// @notice The billing period is zero or more than the most allowed months.
    /// @param billingMonths The months given.
    /// @param max The most allowed.
    error LendingStatementsInvalidBillingMonths(uint8 billingMonths, uint8 max);
    /// @notice Only the other party of the pair accepts settings (not their proposer).
    /// @param lei The caller's institution.
    /// @param proposedBy The settings' proposer.
    error LendingStatementsNotAcceptor(bytes20 lei, bytes20 proposedBy);
    /// @notice The version accepted is not the pair's pending one.
    /// @param lender The pair's lender.
    /// @param borrower The pair's borrower.
    /// @param version The version given.
    /// @param pending The pending version (zero when none is pending).
    error LendingStatementsSettingsNotPending(bytes20 lender, bytes20 borrower, uint32 version, uint32 pending);
    /// @notice Only the party that committed a statement withdraws it.
    /// @param lei The caller's institution.
    /// @param statementId The statement.
    /// @param closer The institution that committed it.
    error LendingStatementsNotCloser(bytes20 lei, bytes32 statementId, bytes20 closer);
    /// @notice The caller's side approved voiding this statement already.
    /// @param statementId The statement.
    /// @param role The side that approved.
    error LendingStatementsVoidApproved(bytes32 statementId, Role role);
    /// @notice Only the lender and the borrower confirm a settlement (the agent does not pay).
    /// @param lei The caller's institution.
    /// @param statementId The statement.
    error LendingStatementsNotSettlingParty(bytes20 lei, bytes32 statementId);
    /// @notice The caller's side confirmed this statement's settlement already.
    /// @param statementId The statement.
    /// @param role The side that confirmed.
    error LendingStatementsSettlementConfirmed(bytes32 statementId, Role role);
    /// @notice The settlement reference differs from the one the other side confirmed.
    /// @param statementId The statement.
    /// @param given The reference given.
    /// @param confirmed The reference the other side confirmed.
    error LendingStatementsSettlementMismatch(bytes32 statementId, bytes32 given, bytes32 confirmed);

    /// @notice One party of a pair proposed its settings.
    /// @param lender The pair's lender.
    /// @param borrower The pair's borrower.
    /// @param settings The settings proposed (not yet accepted).
    event PairSettingsProposed(bytes20 indexed lender, bytes20 indexed borrower, PairSettings settings);
    /// @notice The other party accepted a pair's settings: statements committed from now follow them.
    /// @param lender The pair's lender.
    /// @param borrower The pair's borrower.
    /// @param version The version accepted.
    /// @param by The accepting institution.
    event PairSettingsAccepted(bytes20 indexed lender, bytes20 indexed borrower, uint32 version, bytes20 by);
    /// @notice A party committed the platform's figures of a billing period.
    /// @param statementId The statement.
    /// @param lender The lender.
    /// @param borrower The borrower.
    /// @param input The statement as committed.
    /// @param agent The statement's agent (zero when none).
    /// @param closer The committing institution.
    /// @param overdueAfter The day after which a break is overdue, yyyymmdd.
    /// @param tolerance The pair's tolerance the statement matches with, minor units.
    /// @param detailSalt The detail commitment's salt, sealed to the parties.
    event StatementCommitted(
        bytes32 indexed statementId,
        bytes20 indexed lender,
        bytes20 indexed borrower,
        StatementInput input,
        bytes20 agent,
        bytes20 closer,
        uint32 overdueAfter,
        uint64 tolerance,
        IConfidential.Sealed detailSalt
    );
    /// @notice A party confirmed the platform's figures.
    /// @param statementId The statement.
    /// @param by The confirming institution.
    /// @param role Its side.
    /// @param status The statement's status after it.
    event StatementConfirmed(bytes32 indexed statementId, bytes20 indexed by, Role role, Status status);
    /// @notice A party submitted its own figures.
    /// @param statementId The statement.
    /// @param by The submitting institution.
    /// @param role Its side.
    /// @param amounts Its amounts, minor units.
    /// @param withinTolerance Whether each is within the tolerance of the platform's.
    /// @param status The statement's status after it.
    /// @param figures Its per-agreement figures and inputs, sealed to the parties.
    event FiguresSubmitted(
        bytes32 indexed statementId,
        bytes20 indexed by,
        Role role,
        Amounts amounts,
        bool withinTolerance,
        Status status,
        IConfidential.Sealed figures
    );
    /// @notice A party commented on a statement.
    /// @param statementId The statement.
    /// @param by The commenting institution.
    /// @param comment The comment, sealed to the parties.
    event StatementCommented(bytes32 indexed statementId, bytes20 indexed by, IConfidential.Sealed comment);
    /// @notice A party proposed a resolution of a break (approved by it).
    /// @param statementId The statement.
    /// @param resolution The resolution's number.
    /// @param proposal The resolution.
    event ResolutionProposed(bytes32 indexed statementId, uint32 resolution, Resolution proposal);
    /// @notice A party approved the current resolution; Resolved once every party has.
    /// @param statementId The statement.
    /// @param resolution The resolution's number.
    /// @param by The approving institution.
    /// @param status The statement's status after it.
    event ResolutionApproved(bytes32 indexed statementId, uint32 resolution, bytes20 indexed by, Status status);
    /// @notice A break still unresolved after its overdue date was flagged overdue.
    /// @param statementId The statement.
    /// @param overdueAfter Its overdue date, yyyymmdd.
    /// @param flaggedBy The institution that flagged it.
    event StatementFlaggedOverdue(bytes32 indexed statementId, uint32 overdueAfter, bytes20 flaggedBy);
    /// @notice The closing party withdrew its open statement.
    /// @param statementId The statement.
    /// @param by The closing institution.
    /// @param periodReleased Whether the period can be committed anew (it was the unit's latest).
    event StatementWithdrawn(bytes32 indexed statementId, bytes20 indexed by, bool periodReleased);
    /// @notice A party approved voiding a statement; it is voided once every party approved.
    /// @param statementId The statement.
    /// @param by The approving institution.
    /// @param role Its side.
    /// @param status The statement's status after it (Voided once every party approved).
    /// @param periodReleased Whether the period can be committed anew (voided, and the unit's latest).
    event VoidApproved(bytes32 indexed statementId, bytes20 indexed by, Role role, Status status, bool periodReleased);
    /// @notice One side (lender or borrower) confirmed the statement's settlement.
    /// @param statementId The statement.
    /// @param by The confirming institution.
    /// @param role Its side.
    /// @param settlementReference The settlement's reference.
    /// @param status The statement's status after it (Settled once both sides confirmed).
    event SettlementConfirmed(
        bytes32 indexed statementId, bytes20 indexed by, Role role, bytes32 settlementReference, Status status
    );
    /// @notice Both sides confirmed the settlement: the statement is settled.
    /// @param statementId The statement.
    /// @param by The institution whose confirmation completed it.
    /// @param settlementReference The settlement's reference.
    event StatementSettled(bytes32 indexed statementId, bytes20 indexed by, bytes32 settlementReference);

    /// @notice Propose the settings of a counterparty pair (the lender or the borrower); the other
    /// one accepts them. Statements committed after acceptance follow them.
    /// @param lender The lender's LEI.
    /// @param borrower The borrower's LEI.
    /// @param unit The unit of matching.
    /// @param agent The lending agent acting for the lender (zero when none): it must hold the
    /// lender's lending-agent mandate, in force, when the settings are proposed and accepted and
    /// when it closes a period of the pair.
    /// @param market The calendar business days are counted on (a MIC, e.g. "XTKS").
    /// @param overdueBusinessDays Business days after the period's end a break may stay open.
    /// @param billingMonths The calendar months a statement's period may span at most.
    /// @param tolerance The most each amount may differ and still match, in minor units.
    function proposePairSettings(
        bytes20 lender,
        bytes20 borrower,
        Unit unit,
        bytes20 agent,
        bytes4 market,
        uint16 overdueBusinessDays,
        uint8 billingMonths,
        uint64 tolerance
    ) external;

    /// @notice Accept the pending settings of a pair (the party that did not propose them).
    /// @param lender The lender's LEI.
    /// @param borrower The borrower's LEI.
    /// @param version The version accepted (the pending one).
    function acceptPairSettings(bytes20 lender, bytes20 borrower, uint32 version) external;

    /// @notice Commit the platform's figures of a billing period (a party of the pair: the
    /// lender, the borrower or the pair's agent); the closing party counts as agreeing.
    /// @param input The statement; its unit must be the pair's, its period after the unit's last
    /// and within the pair's billing period; it matches with the pair's tolerance.
    /// @param detailSalt The detail commitment's salt, sealed to the parties.
    /// @return statementId keccak256(abi.encode(lender, borrower, unit, unitKey, currency, start, end)).
    function commitStatement(StatementInput calldata input, IConfidential.Sealed calldata detailSalt)
        external
        returns (bytes32 statementId);

    /// @notice Confirm the platform's figures (a party; Open or Break).
    /// @param statementId The statement.
    function confirm(bytes32 statementId) external;

    /// @notice Submit the party's own figures (Open or Break): within the tolerance of the
    /// platform's on every amount they count as agreeing, otherwise the statement is a break.
    /// @param statementId The statement.
    /// @param amounts The party's amounts in minor units.
    /// @param figures The party's per-agreement figures and inputs, sealed to the parties.
    function submitFigures(bytes32 statementId, Amounts calldata amounts, IConfidential.Sealed calldata figures)
        external;

    /// @notice Comment on a statement (a party; any status).
    /// @param statementId The statement.
    /// @param sealedComment The comment sealed to the parties.
    function comment(bytes32 statementId, IConfidential.Sealed calldata sealedComment) external;

    /// @notice Propose a resolution of a break (a party); the proposer approves it.
    /// @param statementId The statement (Break).
    /// @param kind The platform's figures, a party's submitted figures, or adjusted ones.
    /// @param party Whose submitted figures (kind Party).
    /// @param adjusted The adjusted amounts (kind Adjusted).
    /// @return resolution The resolution's number (1, 2...); a new one supersedes the previous.
    function proposeResolution(bytes32 statementId, ResolutionKind kind, Role party, Amounts calldata adjusted)
        external
        returns (uint32 resolution);

    /// @notice Approve the current resolution (a party); when every party has, it is Resolved.
    /// @param statementId The statement (Break).
    /// @param resolution The resolution approved (the current one).
    function approveResolution(bytes32 statementId, uint32 resolution) external;

    /// @notice Flag an unresolved break whose overdue date has passed (a party).
    /// @param statementId The statement (Break, today after its overdueAfter date).
    function flagOverdue(bytes32 statementId) external;

    /// @notice Confirm, as the lender or the borrower, that a matched or resolved statement is
    /// settled; it is settled once both sides confirmed with the same reference.
    /// @param statementId The statement.
    /// @param settlementReference The settlement's reference (e.g. the hash of the payment instruction).
    function confirmSettlement(bytes32 statementId, bytes32 settlementReference) external;

    /// @notice Withdraw an open statement (its closer); its period is released when it is the
    /// unit's latest.
    /// @param statementId The statement (Open).
    function withdrawStatement(bytes32 statementId) external;

    /// @notice Approve voiding a statement that is not settled (a party); it is voided when every
    /// party (lender, borrower, and the agent if any) approved, and its period released when it is
    /// the unit's latest.
    /// @param statementId The statement (Open, Matched, Break or Resolved).
    function approveVoid(bytes32 statementId) external;

    /// @notice The sides that confirmed a statement's settlement, as a mask of `1 << uint8(role)`.
    /// @param statementId The statement.
    /// @return The mask (lender 1, borrower 2).
    function settlementConfirmations(bytes32 statementId) external view returns (uint8);

    /// @notice A statement.
    /// @param statementId The statement.
    /// @return The stored statement; reverts when unknown.
    function getStatement(bytes32 statementId) external view returns (Statement memory);

    /// @notice A party's submitted amounts.
    /// @param statementId The statement.
    /// @param role The party.
    /// @return submitted Whether the party submitted figures; amounts The latest submitted.
    function submittedFigures(bytes32 statementId, Role role)
        external
        view
        returns (bool submitted, Amounts memory amounts);

    /// @notice A resolution of a statement.
    /// @param statementId The statement.
    /// @param resolution Its number.
    /// @return The resolution; reverts when unknown.
    function getResolution(bytes32 statementId, uint32 resolution) external view returns (Resolution memory);

    /// @notice The settings in force for a pair (the defaults when none accepted).
    /// @param lender The lender's LEI.
    /// @param borrower The borrower's LEI.
    /// @return The accepted settings.
    function pairSettings(bytes20 lender, bytes20 borrower) external view returns (PairSettings memory);

    /// @notice Whether a statement is an unresolved break past its overdue date today.
    /// @param statementId The statement.
    /// @return True when overdue (flagged or not).
    function isOverdue(bytes32 statementId) external view returns (bool);

    /// @notice The statement id of a unit and period.
    /// @param lender The lender's LEI.
    /// @param borrower The borrower's LEI.
    /// @param unit The unit.
    /// @param unitKey The unit's key.
    /// @param currency The currency.
    /// @param start The first day.
    /// @param end The last day.
    /// @return The id.
    function statementIdOf(
        bytes20 lender,
        bytes20 borrower,
        Unit unit,
        bytes32 unitKey,
        bytes3 currency,
        uint32 start,
        uint32 end
    ) external pure returns (bytes32);
}
