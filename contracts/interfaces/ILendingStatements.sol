// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IConfidential} from "./IConfidential.sol";
import {ILendingPairs} from "./ILendingPairs.sol";

/// @title Lending billing statements: matching, breaks, resolution, settlement (use case 3)
/// @notice At the end of a billing period the party that closes it (usually the lending agent)
/// commits the platform's figures of one unit of matching (an agreement, a security or the whole
/// counterparty pair, in one currency) as commitments only: `amounts` is keccak256 over the
/// canonical ABI encoding (int64 fee, int64 collateralInterest, int64 dividendEquivalent, bytes32
/// salt) with the statement's salt, `detailCommitment` keccak256(salt || per-day detail); the
/// salt and the amounts are sealed to the parties (`opening`). Every other party confirms them or
/// submits its own figures' commitment under the same salt (and the figures sealed to the
/// parties): equal commitments match on chain. Where they differ, the statement breaks; each
/// party's client opens both, checks the difference against the pair's sealed tolerance and signs
/// its verdict (EIP-712 `Verdict`); with every party's verdict the submitter counts as agreeing.
/// The parties comment on a break and agree a resolution (the platform's figures, one party's, or
/// adjusted ones, committed and sealed); a matched or resolved statement is marked settled once
/// its settlement instructions are paid: the lender and the borrower each confirm the settlement
/// with the same reference, and it is settled when both have (no single party, the payer
/// included, can declare it settled). A party that cannot open what was sealed to it, or finds it
/// is not what was committed, refuses the statement: nothing depending on it can proceed. It
/// refuses a party's figures, or an adjusted resolution's amounts, the same way
/// ({refusePayload}): no verdict accepts refused figures and no resolution settles on them until
/// their submitter submits again; a refused resolution is not approved (a new one supersedes it).
///
///     Open -> Matched | Break | Refused;  Break -> Open | Matched (a disputing party confirms,
///     or every party's verdict accepts its figures);  Break -> Resolved (every party approves
///     one resolution);  Matched | Resolved -> Settled;  Open | Refused -> Withdrawn (its closer);
///     Open | Matched | Break | Resolved | Refused -> Voided (every party).
///
/// A withdrawn or voided statement releases its period when it is the unit's latest, and its
/// period can then be committed anew (the same statement id, a fresh record, a fresh salt).
/// The statement follows its pair's settings ({ILendingPairs}): its unit, agent, calendar, overdue
/// days and billing period; the closer chooses none of them.
interface ILendingStatements {
    /// @notice Where a statement stands.
    enum Status {
        None,
        Open,
        Matched,
        Break,
        Resolved,
        Settled,
        Withdrawn,
        Voided,
        Refused
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

    /// @notice Why a party refuses a statement or a payload.
    enum Refusal {
        Unopenable,
        NotCommitted
    }

    /// @notice A sealed payload of a statement other than its opening that a party may refuse:
    /// a party's submitted figures (`figures:<LEI>`), an adjusted resolution's amounts
    /// (`resolution:<n>`).
    enum Payload {
        Figures,
        Resolution
    }

    /// @notice What the closing party commits.
    /// @dev `unitKey`: the agreement id (Agreement), keccak256(pair secret || ISIN) (Security),
    /// zero (Counterparty). `amounts`: the commitment of the platform's amounts under the
    /// statement's salt. `detailCommitment`: keccak256(salt || canonical per-day detail).
    struct StatementInput {
        bytes20 lender;
        bytes20 borrower;
        ILendingPairs.Unit unit;
        bytes32 unitKey;
        bytes3 currency;
        uint32 start;
        uint32 end;
        uint32 settlementDate;
        bytes32 amounts;
        bytes32 detailCommitment;
    }

    /// @notice A statement as stored: `settingsVersion` is the pair's accepted settings' version
    /// when committed (zero: the defaults), whose tolerance the verdicts apply; `platform` and
    /// `settled` are commitments of amounts under the statement's salt.
    struct Statement {
        bytes20 lender;
        bytes20 borrower;
        bytes20 agent;
        bytes20 closer;
        ILendingPairs.Unit unit;
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
        uint32 settingsVersion;
        bytes32 platform;
        bytes32 settled;
        bytes32 unitKey;
        bytes32 detailCommitment;
        bytes32 settlementReference;
    }

    /// @notice A proposed resolution; `amounts` is the commitment it settles on.
    struct Resolution {
        ResolutionKind kind;
        Role party;
        bytes32 amounts;
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
    error LendingStatementsUnitMismatch(bytes32 statementId, ILendingPairs.Unit configured);
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
    /// @notice The unit key does not fit the unit: an agreement id for Agreement, a keyed hash for
    /// Security, zero for Counterparty.
    /// @param statementId The statement.
    /// @param unit The unit.
    /// @param unitKey The key given.
    error LendingStatementsInvalidUnitKey(bytes32 statementId, ILendingPairs.Unit unit, bytes32 unitKey);
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
    /// @notice The pair's agent holds no lending-agent mandate of the lender for the borrower
    /// (or every borrower) in force.
    /// @param lender The pair's lender.
    /// @param borrower The pair's borrower.
    /// @param agent The agent.
    error LendingStatementsAgentNotMandated(bytes20 lender, bytes20 borrower, bytes20 agent);
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
    /// @notice A commitment of amounts is zero.
    /// @param statementId The statement.
    error LendingStatementsEmptyCommitment(bytes32 statementId);
    /// @notice The party's figures are not in dispute: none submitted, equal to the platform's,
    /// or accepted already.
    /// @param statementId The statement.
    /// @param role The submitting party.
    error LendingStatementsNotDisputed(bytes32 statementId, Role role);
    /// @notice More verdicts than a statement has parties.
    /// @param count The verdicts given.
    /// @param max The most allowed.
    error LendingStatementsTooManyVerdicts(uint256 count, uint256 max);
    /// @notice A verdict is not signed by an active operator of one of the statement's parties
    /// over this statement, these two commitments and this settings version.
    /// @param statementId The statement.
    /// @param signer The address recovered (zero for a malformed signature).
    error LendingStatementsInvalidVerdict(bytes32 statementId, address signer);
    /// @notice Adjusted amounts (and their sealed opening) go with an Adjusted resolution only.
    /// @param statementId The statement.
    /// @param kind The resolution's kind.
    error LendingStatementsUnexpectedAmounts(bytes32 statementId, ResolutionKind kind);
    /// @notice The closer refuses its own statement (it withdraws it instead).
    /// @param lei The caller's institution.
    /// @param statementId The statement.
    error LendingStatementsCloserRefused(bytes20 lei, bytes32 statementId);
    /// @notice The caller refuses a payload its own institution sealed (it submits anew, or
    /// proposes another resolution, instead).
    /// @param lei The caller's institution.
    /// @param statementId The statement.
    /// @param payload The payload's kind.
    /// @param index The submitter's role (Figures) or the resolution's number (Resolution).
    error LendingStatementsOwnPayload(bytes20 lei, bytes32 statementId, Payload payload, uint32 index);
    /// @notice The statement holds no such payload to refuse: no figures of that side, or the
    /// resolution is not an adjusted one (it seals nothing).
    /// @param statementId The statement.
    /// @param payload The payload's kind.
    /// @param index The submitter's role (Figures) or the resolution's number (Resolution).
    error LendingStatementsNoPayload(bytes32 statementId, Payload payload, uint32 index);
    /// @notice A party refused the submitter's latest figures: no verdict accepts them and no
    /// resolution settles on them until the submitter submits again (refused once only).
    /// @param statementId The statement.
    /// @param submitter The side whose figures were refused.
    error LendingStatementsFiguresRefused(bytes32 statementId, Role submitter);
    /// @notice A party refused the resolution's adjusted amounts: it is not approved (refused
    /// once only); a new resolution supersedes it.
    /// @param statementId The statement.
    /// @param resolution The resolution's number.
    error LendingStatementsResolutionRefused(bytes32 statementId, uint32 resolution);

    /// @notice A party committed the platform's figures of a billing period.
    /// @param statementId The statement.
    /// @param lender The lender.
    /// @param borrower The borrower.
    /// @param input The statement as committed.
    /// @param agent The statement's agent (zero when none).
    /// @param closer The committing institution.
    /// @param overdueAfter The day after which a break is overdue, yyyymmdd.
    /// @param settingsVersion The pair's settings version the statement follows (zero: defaults).
    /// @param opening The statement's salt and the platform's amounts, sealed to the parties.
    event StatementCommitted(
        bytes32 indexed statementId,
        bytes20 indexed lender,
        bytes20 indexed borrower,
        StatementInput input,
        bytes20 agent,
        bytes20 closer,
        uint32 overdueAfter,
        uint32 settingsVersion,
        IConfidential.Sealed opening
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
    /// @param amounts The commitment of its amounts under the statement's salt.
    /// @param equal Whether it equals the platform's commitment (it then counts as agreeing).
    /// @param status The statement's status after it.
    /// @param figures Its amounts and per-agreement figures and inputs, sealed to the parties.
    event FiguresSubmitted(
        bytes32 indexed statementId,
        bytes20 indexed by,
        Role role,
        bytes32 amounts,
        bool equal,
        Status status,
        IConfidential.Sealed figures
    );
    /// @notice A party's signed verdict that a submitter's figures are within the pair's
    /// tolerance of the platform's was recorded.
    /// @param statementId The statement.
    /// @param submitter The side whose figures it judges.
    /// @param by The institution whose verdict it is.
    /// @param signer The operator address that signed it.
    event VerdictRecorded(bytes32 indexed statementId, Role submitter, bytes20 indexed by, address signer);
    /// @notice Every party's verdict accepted a submitter's figures: it counts as agreeing.
    /// @param statementId The statement.
    /// @param submitter The side whose figures were accepted.
    /// @param status The statement's status after it.
    event FiguresAccepted(bytes32 indexed statementId, Role submitter, Status status);
    /// @notice A party refused the statement: what was sealed to it does not open, or is not
    /// what was committed.
    /// @param statementId The statement.
    /// @param by The refusing institution.
    /// @param role Its side.
    /// @param reason Why.
    event StatementRefused(bytes32 indexed statementId, bytes20 indexed by, Role role, Refusal reason);
    /// @notice A party refused a sealed payload of a statement: a side's figures or an adjusted
    /// resolution's amounts do not open for it, or are not what was committed.
    /// @param statementId The statement.
    /// @param by The refusing institution.
    /// @param role Its side.
    /// @param payload The payload's kind.
    /// @param index The submitter's role (Figures) or the resolution's number (Resolution).
    /// @param reason Why.
    event PayloadRefused(
        bytes32 indexed statementId, bytes20 indexed by, Role role, Payload payload, uint32 index, Refusal reason
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
    /// @param adjusted The adjusted amounts sealed to the parties (kind Adjusted; empty otherwise).
    event ResolutionProposed(
        bytes32 indexed statementId, uint32 resolution, Resolution proposal, IConfidential.Sealed adjusted
    );
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

    /// @notice Commit the platform's figures of a billing period (a party of the pair: the
    /// lender, the borrower or the pair's agent); the closing party counts as agreeing.
    /// @param input The statement; its unit must be the pair's, its period after the unit's last
    /// and within the pair's billing period.
    /// @param opening The statement's salt and the platform's amounts, sealed to the parties.
    /// @return statementId keccak256(abi.encode(lender, borrower, unit, unitKey, currency, start, end)).
    function commitStatement(StatementInput calldata input, IConfidential.Sealed calldata opening)
        external
        returns (bytes32 statementId);

    /// @notice Confirm the platform's figures (a party; Open or Break).
    /// @param statementId The statement.
    function confirm(bytes32 statementId) external;

    /// @notice Submit the party's own figures (Open or Break): a commitment equal to the
    /// platform's counts as agreeing, any other makes the statement a break until every party's
    /// verdict accepts it ({recordVerdicts}) or a resolution settles it.
    /// @param statementId The statement.
    /// @param amounts The commitment of the party's amounts under the statement's salt.
    /// @param figures The party's amounts and per-agreement figures and inputs, sealed to the parties.
    function submitFigures(bytes32 statementId, bytes32 amounts, IConfidential.Sealed calldata figures) external;

    /// @notice Record the parties' signed verdicts (EIP-712 `Verdict(bytes32 statementId,bytes32
    /// platform,bytes32 submitted,uint32 settingsVersion)` by an active operator of each) that a
    /// submitter's figures are within the pair's tolerance of the platform's (a party sends them;
    /// Open or Break; not on figures a party refused). With every party's verdict the submitter
    /// counts as agreeing.
    /// @param statementId The statement.
    /// @param submitter The side whose latest figures are judged.
    /// @param verdicts The signatures, one per party at most.
    function recordVerdicts(bytes32 statementId, Role submitter, bytes[] calldata verdicts) external;

    /// @notice Refuse a statement whose opening the caller's institution cannot open, or whose
    /// opening is not what the statement commits to (a party other than the closer; Open). The
    /// statement is then only withdrawn or voided.
    /// @param statementId The statement.
    /// @param reason Why.
    function refuseStatement(bytes32 statementId, Refusal reason) external;

    /// @notice Refuse a sealed payload the caller's institution cannot open, or that is not what
    /// it commits to (a party other than the one that sealed it): a side's latest figures (Open
    /// or Break; no verdict accepts them and no resolution settles on them until that side
    /// submits again), or the current resolution's adjusted amounts (Break; it is then not
    /// approved). Once a payload.
    /// @param statementId The statement.
    /// @param payload The payload's kind.
    /// @param index The submitter's role (Figures) or the resolution's number (Resolution: the
    /// current one).
    /// @param reason Why.
    function refusePayload(bytes32 statementId, Payload payload, uint32 index, Refusal reason) external;

    /// @notice Comment on a statement (a party; any status).
    /// @param statementId The statement.
    /// @param sealedComment The comment sealed to the parties.
    function comment(bytes32 statementId, IConfidential.Sealed calldata sealedComment) external;

    /// @notice Propose a resolution of a break (a party); the proposer approves it.
    /// @param statementId The statement (Break).
    /// @param kind The platform's figures, a party's submitted figures, or adjusted ones.
    /// @param party Whose submitted figures (kind Party; not figures a party refused).
    /// @param adjusted The commitment of the adjusted amounts under the statement's salt (kind
    /// Adjusted; zero otherwise).
    /// @param sealedAmounts The adjusted amounts sealed to the parties (kind Adjusted; an empty
    /// payload otherwise).
    /// @return resolution The resolution's number (1, 2...); a new one supersedes the previous.
    function proposeResolution(
        bytes32 statementId,
        ResolutionKind kind,
        Role party,
        bytes32 adjusted,
        IConfidential.Sealed calldata sealedAmounts
    ) external returns (uint32 resolution);

    /// @notice Approve the current resolution (a party; not one a party refused); when every
    /// party has, it is Resolved.
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

    /// @notice Withdraw an open or refused statement (its closer); its period is released when it
    /// is the unit's latest.
    /// @param statementId The statement (Open or Refused).
    function withdrawStatement(bytes32 statementId) external;

    /// @notice Approve voiding a statement that is not settled (a party); it is voided when every
    /// party (lender, borrower, and the agent if any) approved, and its period released when it is
    /// the unit's latest.
    /// @param statementId The statement (Open, Matched, Break, Resolved or Refused).
    function approveVoid(bytes32 statementId) external;

    /// @notice The sides that confirmed a statement's settlement, as a mask of `1 << uint8(role)`.
    /// @param statementId The statement.
    /// @return The mask (lender 1, borrower 2).
    function settlementConfirmations(bytes32 statementId) external view returns (uint8);

    /// @notice A statement.
    /// @param statementId The statement.
    /// @return The stored statement; reverts when unknown.
    function getStatement(bytes32 statementId) external view returns (Statement memory);

    /// @notice A party's submitted figures.
    /// @param statementId The statement.
    /// @param role The party.
    /// @return submitted Whether the party submitted figures; amounts The commitment of the
    /// latest; verdicts The parties whose verdict accepted them, a mask of `1 << uint8(role)`.
    function submittedFigures(bytes32 statementId, Role role)
        external
        view
        returns (bool submitted, bytes32 amounts, uint8 verdicts);

    /// @notice A resolution of a statement.
    /// @param statementId The statement.
    /// @param resolution Its number.
    /// @return The resolution; reverts when unknown.
    function getResolution(bytes32 statementId, uint32 resolution) external view returns (Resolution memory);

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
        ILendingPairs.Unit unit,
        bytes32 unitKey,
        bytes3 currency,
        uint32 start,
        uint32 end
    ) external pure returns (bytes32);
}
