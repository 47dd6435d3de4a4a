// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IConfidential} from "./IConfidential.sol";
import {IParticipantRegistry} from "./IParticipantRegistry.sol";
import {LendingMath} from "../libraries/LendingMath.sol";

/// @title Securities lending agreements (use case 3)
/// @notice The lender (or its lending agent) registers an agreement's terms and the borrower
/// acknowledges them. A version proposed by an agent binds the lender only when the lender itself
/// consented to it or the agent holds the lender's LendingAgent mandate ({IMandates}) for the
/// borrower or for every borrower: no agent acts in a lender's name alone, and an agent is never
/// the borrower. A rate change is a new version of the terms with its effective date,
/// acknowledged anew. An agreement's id is keccak256(abi.encode(proposer, referenceHash)), the
/// contract computing it from the proposer's LEI, so no institution can take another's id; the
/// reference hash is keccak256(abi.encode(reference, referenceSalt)), both sealed in the terms,
/// so no one outside the parties can tell the agreement's reference or guess its id. The loan
/// movements (new loans, returns, recalls, cash-collateral changes) are recorded by the lender or
/// its agent as versions of the agreement's whole movement history and confirmed by the
/// borrower; calculations use the confirmed movements. Terms and movements are confidential
/// between the parties: on chain they are ciphertext sealed to each party and a salted commitment
/// (keccak256(salt || abi.encode(...))), which the LendingCalculator checks its inputs against.
/// A party that cannot open a version of the terms or of the movements, or finds it is not what
/// was committed, refuses it ({refusePayload}): the version is then neither consented to,
/// acknowledged nor confirmed, until the next version supersedes it.
interface ILendingAgreements {
    /// @notice Where an agreement stands.
    enum Status {
        None,
        Proposed,
        Acknowledged
    }

    /// @notice What a loan movement does: a new loan adds shares, a return or a (settled) recall
    /// takes them back, a collateral change moves only the cash collateral.
    enum MovementKind {
        NewLoan,
        Return,
        Recall,
        CollateralChange
    }

    /// @notice One loan movement, as sealed: signed changes of the quantity and the cash
    /// collateral (both over 10^6) taking effect on `date` (yyyymmdd).
    struct Movement {
        MovementKind kind;
        uint32 date;
        int256 quantity;
        int256 collateral;
    }

    /// @notice Why a party refuses a sealed version.
    enum Refusal {
        Unopenable,
        NotCommitted
    }

    /// @notice A sealed version a party may refuse: of the terms, of the movements.
    enum Payload {
        Terms,
        Movements
    }

    /// @notice A version of the terms: its commitment, the first day it applies to, whether the
    /// borrower acknowledged it, the institution that proposed it, whether a party refused it.
    struct TermsVersion {
        bytes32 commitment;
        uint32 effectiveFrom;
        bool acknowledged;
        bytes20 proposedBy;
        bool refused;
    }

    /// @notice The terms, as sealed (the plaintext is their ABI encoding): with the agreement's
    /// reference (ASCII, left-aligned) and the salt of its hash, the same in every version.
    struct AgreementTerms {
        bytes12 security;
        bytes3 currency;
        LendingMath.Terms calculation;
        bytes32 agreementReference;
        bytes32 referenceSalt;
    }

    /// @notice An agreement as stored.
    struct Agreement {
        bytes20 lender;
        bytes20 borrower;
        bytes20 agent;
        Status status;
        uint32 version;
        uint32 acknowledgedVersion;
        uint32 movementsVersion;
        uint32 confirmedMovementsVersion;
        bytes32 termsCommitment;
        bytes32 movementsCommitment;
    }

    /// @notice The caller's address acts for no institution, or for one that is not active.
    /// @param account The caller.
    error LendingAgreementsNotInstitution(address account);
    /// @notice The caller's institution is no party of the agreement that may do this.
    /// @param lei The caller's institution.
    /// @param agreementId The agreement.
    error LendingAgreementsNotParty(bytes20 lei, bytes32 agreementId);
    /// @notice An institution that is neither the lender nor a lending agent proposed for the
    /// lender.
    /// @param lei The caller's institution.
    /// @param kind Its type.
    error LendingAgreementsNotLendingAgent(bytes20 lei, IParticipantRegistry.InstitutionType kind);
    /// @notice A first proposal without a reference hash.
    /// @param proposer The caller's institution.
    error LendingAgreementsEmptyReference(bytes20 proposer);
    /// @notice The proposer already proposed an agreement with this reference hash: amend it.
    /// @param agreementId The existing agreement's id.
    /// @param proposer The proposer.
    /// @param referenceHash The reference hash given.
    error LendingAgreementsAlreadyProposed(bytes32 agreementId, bytes20 proposer, bytes32 referenceHash);
    /// @notice The lender and the borrower are the same institution.
    /// @param agreementId The agreement.
    /// @param lei The institution.
    error LendingAgreementsLenderIsBorrower(bytes32 agreementId, bytes20 lei);
    /// @notice The borrower named is no institution of the platform.
    /// @param agreementId The agreement.
    /// @param borrower The LEI named.
    error LendingAgreementsUnknownBorrower(bytes32 agreementId, bytes20 borrower);
    /// @notice An effective date that is no yyyymmdd day.
    /// @param agreementId The agreement.
    /// @param effectiveFrom The date given.
    error LendingAgreementsInvalidDate(bytes32 agreementId, uint32 effectiveFrom);
    /// @notice A version takes effect before the previous version does.
    /// @param agreementId The agreement.
    /// @param effectiveFrom The date given.
    /// @param previous The previous version's effective date.
    error LendingAgreementsEffectiveBeforePrevious(bytes32 agreementId, uint32 effectiveFrom, uint32 previous);
    /// @notice A sealed payload commits to nothing (a zero commitment).
    /// @param agreementId The agreement.
    error LendingAgreementsEmptyCommitment(bytes32 agreementId);
    /// @notice A sealed payload names more recipients than MAX_RECIPIENTS.
    /// @param agreementId The agreement.
    /// @param count The recipients named.
    /// @param maxCount The most allowed.
    error LendingAgreementsTooManyRecipients(bytes32 agreementId, uint256 count, uint256 maxCount);
    /// @notice A sealed payload is not sealed to one of the agreement's parties.
    /// @param agreementId The agreement.
    /// @param lei The party missing among the recipients.
    error LendingAgreementsRecipientMissing(bytes32 agreementId, bytes20 lei);
    /// @notice The agreement is not in the state this needs.
    /// @param agreementId The agreement.
    /// @param status Its status.
    error LendingAgreementsWrongState(bytes32 agreementId, Status status);
    /// @notice A version other than the current one.
    /// @param agreementId The agreement.
    /// @param version The version given.
    /// @param current The current version.
    error LendingAgreementsStaleVersion(bytes32 agreementId, uint32 version, uint32 current);
    /// @notice The movements version is confirmed already.
    /// @param agreementId The agreement.
    /// @param version The version.
    error LendingAgreementsAlreadyConfirmed(bytes32 agreementId, uint32 version);
    /// @notice No such version of the agreement's terms.
    /// @param agreementId The agreement.
    /// @param version The version asked for.
    /// @param latest The latest version.
    error LendingAgreementsUnknownVersion(bytes32 agreementId, uint32 version, uint32 latest);
    /// @notice No agreement has this id.
    /// @param agreementId The id.
    error LendingAgreementsUnknown(bytes32 agreementId);
    /// @notice A lending agent proposed an agreement naming itself the borrower.
    /// @param agreementId The agreement.
    /// @param agent The agent.
    error LendingAgreementsAgentIsBorrower(bytes32 agreementId, bytes20 agent);
    /// @notice The lender named is no institution of the platform.
    /// @param agreementId The agreement.
    /// @param lender The LEI named.
    error LendingAgreementsUnknownLender(bytes32 agreementId, bytes20 lender);
    /// @notice The borrower acknowledges a version its lender's agent proposed while the lender
    /// neither consented to it nor mandated the agent (a LendingAgent mandate in force).
    /// @param agreementId The agreement.
    /// @param version The version.
    /// @param lender The lender whose consent is missing.
    error LendingAgreementsConsentMissing(bytes32 agreementId, uint32 version, bytes20 lender);
    /// @notice Only the lender of an agreement an agent proposed consents to it, once a version.
    /// @param agreementId The agreement.
    /// @param version The version.
    /// @param lei The caller's institution.
    error LendingAgreementsNotConsentable(bytes32 agreementId, uint32 version, bytes20 lei);
    /// @notice The agent records movements while the lender neither consented to the
    /// acknowledged terms nor holds it under a LendingAgent mandate in force.
    /// @param agreementId The agreement.
    /// @param lender The lender.
    /// @param agent The agent.
    error LendingAgreementsAgentNotMandated(bytes32 agreementId, bytes20 lender, bytes20 agent);
    /// @notice The caller refuses a version its own institution sealed (it seals a new version
    /// instead).
    /// @param lei The caller's institution.
    /// @param agreementId The agreement.
    /// @param payload Terms or movements.
    /// @param version The version.
    error LendingAgreementsOwnPayload(bytes20 lei, bytes32 agreementId, Payload payload, uint32 version);
    /// @notice A party refused this version of the terms: it is neither consented to nor
    /// acknowledged (refused once only); the next version supersedes it.
    /// @param agreementId The agreement.
    /// @param version The version.
    error LendingAgreementsTermsRefused(bytes32 agreementId, uint32 version);
    /// @notice A party refused this version of the movements: it is not confirmed (refused once
    /// only); the next version supersedes it.
    /// @param agreementId The agreement.
    /// @param version The version.
    error LendingAgreementsMovementsRefused(bytes32 agreementId, uint32 version);

    /// @notice A version of an agreement's terms was proposed (version 1: the agreement).
    /// @param agreementId The agreement.
    /// @param lender The lender.
    /// @param borrower The borrower.
    /// @param agent The lending agent (zero when the lender proposed the agreement).
    /// @param version The version.
    /// @param effectiveFrom The first day it applies to (yyyymmdd).
    /// @param terms The terms sealed to the parties.
    event AgreementProposed(
        bytes32 indexed agreementId,
        bytes20 indexed lender,
        bytes20 indexed borrower,
        bytes20 agent,
        uint32 version,
        uint32 effectiveFrom,
        IConfidential.Sealed terms
    );
    /// @notice The borrower acknowledged a version of the terms: it binds the parties.
    /// @param agreementId The agreement.
    /// @param borrower The borrower.
    /// @param version The version.
    event AgreementAcknowledged(bytes32 indexed agreementId, bytes20 indexed borrower, uint32 version);
    /// @notice The lender consented to a version of the terms its agent proposed.
    /// @param agreementId The agreement.
    /// @param lender The lender.
    /// @param version The version.
    event AgreementConsented(bytes32 indexed agreementId, bytes20 indexed lender, uint32 version);
    /// @notice A version of the agreement's whole movement history was recorded.
    /// @param agreementId The agreement.
    /// @param movementsVersion The version.
    /// @param movements The movements sealed to the parties.
    /// @param by The institution that recorded it (the lender or the agent).
    event MovementsRecorded(
        bytes32 indexed agreementId, uint32 movementsVersion, IConfidential.Sealed movements, bytes20 by
    );
    /// @notice The borrower confirmed a version of the movements: calculations use it.
    /// @param agreementId The agreement.
    /// @param borrower The borrower.
    /// @param movementsVersion The version.
    event MovementsConfirmed(bytes32 indexed agreementId, bytes20 indexed borrower, uint32 movementsVersion);
    /// @notice A party refused a version of the terms or of the movements: it does not open for
    /// it, or is not what was committed.
    /// @param agreementId The agreement.
    /// @param by The refusing institution.
    /// @param payload Terms or movements.
    /// @param version The version refused.
    /// @param reason Why.
    event PayloadRefused(
        bytes32 indexed agreementId, bytes20 indexed by, Payload payload, uint32 version, Refusal reason
    );

    /// @notice Propose an agreement (version 1 of its terms): the lender, or a lending agent for
    /// it. Its id is computed from the caller's institution and `referenceHash`; the proposal of a
    /// lender's agent binds the lender once it consents, or at once under a LendingAgent mandate.
    /// @param referenceHash keccak256(abi.encode(reference, referenceSalt)), both sealed in the
    /// terms.
    /// @param lender The lender's LEI.
    /// @param borrower The borrower's LEI.
    /// @param effectiveFrom The first day the terms apply to (yyyymmdd).
    /// @param terms The terms sealed to the lender, the borrower and the agent.
    /// @return agreementId keccak256(abi.encode(proposer, referenceHash)).
    function propose(
        bytes32 referenceHash,
        bytes20 lender,
        bytes20 borrower,
        uint32 effectiveFrom,
        IConfidential.Sealed calldata terms
    ) external returns (bytes32 agreementId);

    /// @notice Amend an agreement's terms: a new version with its effective date (not before the
    /// previous version's), acknowledged anew; the lender, or the agreement's agent (whose version
    /// binds the lender as a proposal does).
    /// @param agreementId The agreement.
    /// @param effectiveFrom The first day the version applies to (yyyymmdd).
    /// @param terms The terms sealed to the lender, the borrower and the agent.
    function amend(bytes32 agreementId, uint32 effectiveFrom, IConfidential.Sealed calldata terms) external;

    /// @notice Acknowledge a version of the terms (the borrower); one its lender's agent proposed
    /// needs the lender's consent or the agent's LendingAgent mandate in force.
    /// @param agreementId The agreement's identifier.
    /// @param version The version acknowledged (the current one).
    function acknowledge(bytes32 agreementId, uint32 version) external;

    /// @notice Consent, as the lender, to a version of the terms its lending agent proposed.
    /// @param agreementId The agreement's identifier.
    /// @param version The version consented to (the current one).
    function consent(bytes32 agreementId, uint32 version) external;

    /// @notice Whether the lender consented to a version (always true for its own proposals; a
    /// mandate is no consent: see {IMandates-isMandated}).
    /// @param agreementId The agreement's identifier.
    /// @param version The version.
    /// @return True once consented.
    function isConsented(bytes32 agreementId, uint32 version) external view returns (bool);

    /// @notice Record the agreement's movement history, a new version sealed to the parties (the
    /// lender, or its agent while it consented to the acknowledged terms or the agent's mandate is
    /// in force; once a version of the terms is acknowledged).
    /// @param agreementId The agreement's identifier.
    /// @param movements Every movement of the agreement so far, sealed (plaintext:
    /// abi.encode(Movement[]), dates ascending).
    function recordMovements(bytes32 agreementId, IConfidential.Sealed calldata movements) external;

    /// @notice Confirm a version of the movements (the borrower): calculations use it.
    /// @param agreementId The agreement's identifier.
    /// @param version The movements version confirmed (the latest one).
    function confirmMovements(bytes32 agreementId, uint32 version) external;

    /// @notice Refuse, as a party other than the one that sealed it, the current version of the
    /// terms before it is acknowledged, or the latest version of the movements before it is
    /// confirmed, that the caller's institution cannot open or finds is not what was committed;
    /// once a version. A refused version is neither consented to, acknowledged nor confirmed.
    /// @param agreementId The agreement.
    /// @param payload Terms or movements.
    /// @param version The version refused (the current one).
    /// @param reason Why.
    function refusePayload(bytes32 agreementId, Payload payload, uint32 version, Refusal reason) external;

    /// @notice A version of an agreement's terms.
    /// @param agreementId The agreement's identifier.
    /// @param version The version (1 is the first).
    /// @return The version's commitment, effective date, acknowledgement, proposer and refusal;
    /// reverts when unknown.
    function getTermsVersion(bytes32 agreementId, uint32 version) external view returns (TermsVersion memory);

    /// @notice An agreement.
    /// @param agreementId The agreement's identifier.
    /// @return The stored agreement; reverts when unknown.
    function getAgreement(bytes32 agreementId) external view returns (Agreement memory);

    /// @notice The id of the agreement `proposer` proposes with `referenceHash`.
    /// @param proposer The proposer's LEI (the lender, or the agent).
    /// @param referenceHash keccak256(abi.encode(reference, referenceSalt)).
    /// @return keccak256(abi.encode(proposer, referenceHash)).
    function agreementIdOf(bytes20 proposer, bytes32 referenceHash) external pure returns (bytes32);
}
