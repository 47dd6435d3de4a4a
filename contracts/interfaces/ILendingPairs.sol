// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IConfidential} from "./IConfidential.sol";

/// @title Lending counterparty pairs' settings (use case 3)
/// @notice Each counterparty pair (lender, borrower) agrees the settings its billing statements
/// follow: the unit of matching, the lending agent if any, the calendar, the number n of business
/// days a break may stay unresolved (14 by default, as in ISLA practice), the billing period (the
/// calendar months a statement may span) and, sealed to the pair's parties, the pair's secrets: the
/// tolerance each amount may differ by and still match, and the pair secret that keys a
/// per-security unit (the unit key is keccak256(pair secret || ISIN), so the chain never sees the
/// security). One party proposes, the other accepts; the closer of a statement chooses none of it.
/// A party that cannot open the sealed secrets of a proposal, or finds them not what was committed,
/// refuses it ({refusePairSettings}): it is then not accepted, and the next proposal supersedes it.
interface ILendingPairs {
    /// @notice Why a party refuses a proposal's sealed secrets.
    enum Refusal {
        Unopenable,
        NotCommitted
    }

    /// @notice The unit of matching of a counterparty pair.
    enum Unit {
        Agreement,
        Security,
        Counterparty
    }

    /// @notice A counterparty pair's settings, as proposed by one of them and accepted by the
    /// other. Without accepted settings: unit Agreement, no agent, XTKS, 14 business days, monthly
    /// billing, a tolerance of 0 and no pair secret (`secrets` zero).
    /// @dev `secrets`: the commitment of the sealed tolerance and pair secret. `billingMonths`:
    /// the calendar months a statement's period may span at most.
    struct PairSettings {
        Unit unit;
        bytes20 agent;
        bytes4 market;
        uint16 overdueBusinessDays;
        uint8 billingMonths;
        bytes32 secrets;
        uint32 version;
        bytes20 proposedBy;
        bool accepted;
    }

    /// @notice The caller's account belongs to no active institution.
    /// @param account The caller.
    error LendingPairsNotInstitution(address account);
    /// @notice A pair's lender and borrower are the same institution.
    /// @param lei The institution.
    error LendingPairsSameParty(bytes20 lei);
    /// @notice Only the pair's lender or borrower proposes its settings.
    /// @param lei The caller's institution.
    /// @param lender The pair's lender.
    /// @param borrower The pair's borrower.
    error LendingPairsNotPairParty(bytes20 lei, bytes20 lender, bytes20 borrower);
    /// @notice The other party of the pair is no active institution of the platform.
    /// @param lei The LEI named.
    error LendingPairsUnknownParty(bytes20 lei);
    /// @notice The agent named is a party of the pair or no active lending agent.
    /// @param agent The LEI named.
    error LendingPairsInvalidAgent(bytes20 agent);
    /// @notice The pair's agent holds no lending-agent mandate of the lender for the borrower
    /// (or every borrower) in force.
    /// @param lender The pair's lender.
    /// @param borrower The pair's borrower.
    /// @param agent The agent.
    error LendingPairsAgentNotMandated(bytes20 lender, bytes20 borrower, bytes20 agent);
    /// @notice The settings name no calendar.
    /// @param lender The pair's lender.
    /// @param borrower The pair's borrower.
    error LendingPairsNoMarket(bytes20 lender, bytes20 borrower);
    /// @notice The business days a break may stay open are zero or more than the most allowed.
    /// @param overdueBusinessDays The days given.
    /// @param max The most allowed.
    error LendingPairsInvalidOverdueDays(uint16 overdueBusinessDays, uint16 max);
    /// @notice The billing period is zero or more than the most allowed months.
    /// @param billingMonths The months given.
    /// @param max The most allowed.
    error LendingPairsInvalidBillingMonths(uint8 billingMonths, uint8 max);
    /// @notice The sealed secrets commit to nothing.
    /// @param lender The pair's lender.
    /// @param borrower The pair's borrower.
    error LendingPairsEmptySecrets(bytes20 lender, bytes20 borrower);
    /// @notice The sealed secrets name more recipients than allowed.
    /// @param count The recipients named.
    /// @param max The most allowed.
    error LendingPairsTooManyRecipients(uint256 count, uint256 max);
    /// @notice The sealed secrets are not sealed to one of the pair's parties.
    /// @param lei The party left out.
    error LendingPairsRecipientMissing(bytes20 lei);
    /// @notice Only the other party of the pair accepts settings (not their proposer).
    /// @param lei The caller's institution.
    /// @param proposedBy The settings' proposer.
    error LendingPairsNotAcceptor(bytes20 lei, bytes20 proposedBy);
    /// @notice The version accepted is not the pair's pending one.
    /// @param lender The pair's lender.
    /// @param borrower The pair's borrower.
    /// @param version The version given.
    /// @param pending The pending version (zero when none is pending).
    error LendingPairsSettingsNotPending(bytes20 lender, bytes20 borrower, uint32 version, uint32 pending);
    /// @notice The proposer refuses its own settings (it proposes new ones instead).
    /// @param lei The caller's institution.
    /// @param version The version.
    error LendingPairsOwnProposal(bytes20 lei, uint32 version);
    /// @notice A party refused the secrets of this proposal: it is not accepted (refused once
    /// only); the next proposal supersedes it.
    /// @param lender The pair's lender.
    /// @param borrower The pair's borrower.
    /// @param version The version refused.
    error LendingPairsSettingsRefused(bytes20 lender, bytes20 borrower, uint32 version);

    /// @notice One party of a pair proposed its settings.
    /// @param lender The pair's lender.
    /// @param borrower The pair's borrower.
    /// @param settings The settings proposed (not yet accepted).
    /// @param secrets The tolerance and the pair secret, sealed to the pair's parties.
    event PairSettingsProposed(
        bytes20 indexed lender, bytes20 indexed borrower, PairSettings settings, IConfidential.Sealed secrets
    );
    /// @notice The other party accepted a pair's settings: statements committed from now follow them.
    /// @param lender The pair's lender.
    /// @param borrower The pair's borrower.
    /// @param version The version accepted.
    /// @param by The accepting institution.
    event PairSettingsAccepted(bytes20 indexed lender, bytes20 indexed borrower, uint32 version, bytes20 by);
    /// @notice A party refused a proposal's sealed secrets: they do not open for it, or are not
    /// what was committed.
    /// @param lender The pair's lender.
    /// @param borrower The pair's borrower.
    /// @param version The version refused.
    /// @param by The refusing institution.
    /// @param reason Why.
    event PairSettingsRefused(
        bytes20 indexed lender, bytes20 indexed borrower, uint32 version, bytes20 by, Refusal reason
    );

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
    /// @param secrets The tolerance (minor units) and the pair secret, sealed to the lender, the
    /// borrower and the agent.
    function proposePairSettings(
        bytes20 lender,
        bytes20 borrower,
        Unit unit,
        bytes20 agent,
        bytes4 market,
        uint16 overdueBusinessDays,
        uint8 billingMonths,
        IConfidential.Sealed calldata secrets
    ) external;

    /// @notice Accept the pending settings of a pair (the party that did not propose them; not
    /// settings a party refused).
    /// @param lender The lender's LEI.
    /// @param borrower The borrower's LEI.
    /// @param version The version accepted (the pending one).
    function acceptPairSettings(bytes20 lender, bytes20 borrower, uint32 version) external;

    /// @notice Refuse the pending settings of a pair whose sealed secrets the caller's institution
    /// cannot open, or finds are not what was committed (the lender, the borrower or the
    /// proposal's agent, other than the proposer); once a proposal. It is then not accepted.
    /// @param lender The lender's LEI.
    /// @param borrower The borrower's LEI.
    /// @param version The version refused (the pending one).
    /// @param reason Why.
    function refusePairSettings(bytes20 lender, bytes20 borrower, uint32 version, Refusal reason) external;

    /// @notice The settings in force for a pair (the defaults when none accepted).
    /// @param lender The lender's LEI.
    /// @param borrower The borrower's LEI.
    /// @return The accepted settings.
    function pairSettings(bytes20 lender, bytes20 borrower) external view returns (PairSettings memory);
}
