// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IConfidential} from "./IConfidential.sol";
import {LendingMath} from "../libraries/LendingMath.sol";

/// @title Securities lending agreements (use case 3)
/// @notice The lender (or its lending agent) registers an agreement's terms and the borrower
/// acknowledges them; a version proposed by an agent binds the lender only once the lender itself
/// consented to it (no agent acts in a lender's name alone), and an agent is never the borrower; a rate change is a new version of the terms with its effective date,
/// acknowledged anew. The loan movements (new loans, returns, recalls, cash-collateral changes)
/// are recorded by the lender or its agent as versions of the agreement's whole movement history
/// and confirmed by the borrower; calculations use the confirmed movements. Terms and movements are
/// confidential between the parties: on chain they are ciphertext sealed to each party and a salted
/// commitment (keccak256(salt || abi.encode(...))), which the LendingCalculator checks its inputs
/// against.
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

    /// @notice A version of the terms: its commitment, the first day it applies to, whether the
    /// borrower acknowledged it.
    struct TermsVersion {
        bytes32 commitment;
        uint32 effectiveFrom;
        bool acknowledged;
    }

    /// @notice The terms, as sealed (the plaintext is their ABI encoding).
    struct AgreementTerms {
        bytes12 security;
        bytes3 currency;
        LendingMath.Terms calculation;
        uint8 billingMonths;
        uint64 toleranceMinorUnits;
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

    error LendingAgreementsNotInstitution(address account);
    error LendingAgreementsNotParty(bytes20 lei, bytes32 agreementId);
    error LendingAgreementsInvalid(bytes32 agreementId, string field);
    error LendingAgreementsRecipientMissing(bytes32 agreementId, bytes20 lei);
    error LendingAgreementsWrongState(bytes32 agreementId, Status status);
    error LendingAgreementsStaleVersion(bytes32 agreementId, uint32 version, uint32 current);
    error LendingAgreementsUnknown(bytes32 agreementId);
    /// @notice A lending agent proposed an agreement naming itself the borrower.
    /// @param agreementId The agreement.
    /// @param agent The agent.
    error LendingAgreementsAgentIsBorrower(bytes32 agreementId, bytes20 agent);
    /// @notice The lender named is no institution of the platform.
    /// @param agreementId The agreement.
    /// @param lender The LEI named.
    error LendingAgreementsUnknownLender(bytes32 agreementId, bytes20 lender);
    /// @notice The borrower acknowledges a version its lender has not consented to (proposed by
    /// the lender's agent).
    /// @param agreementId The agreement.
    /// @param version The version.
    /// @param lender The lender whose consent is missing.
    error LendingAgreementsConsentMissing(bytes32 agreementId, uint32 version, bytes20 lender);
    /// @notice Only the lender of an agreement an agent proposed consents to it, once a version.
    /// @param agreementId The agreement.
    /// @param version The version.
    /// @param lei The caller's institution.
    error LendingAgreementsNotConsentable(bytes32 agreementId, uint32 version, bytes20 lei);

    event AgreementProposed(
        bytes32 indexed agreementId,
        bytes20 indexed lender,
        bytes20 indexed borrower,
        bytes20 agent,
        uint32 version,
        uint32 effectiveFrom,
        IConfidential.Sealed terms
    );
    event AgreementAcknowledged(bytes32 indexed agreementId, bytes20 indexed borrower, uint32 version);
    /// @notice The lender consented to a version of the terms its agent proposed.
    /// @param agreementId The agreement.
    /// @param lender The lender.
    /// @param version The version.
    event AgreementConsented(bytes32 indexed agreementId, bytes20 indexed lender, uint32 version);
    event MovementsRecorded(
        bytes32 indexed agreementId, uint32 movementsVersion, IConfidential.Sealed movements, bytes20 by
    );
    event MovementsConfirmed(bytes32 indexed agreementId, bytes20 indexed borrower, uint32 movementsVersion);

    /// @notice Propose an agreement's terms, or amend them (a new version with its effective date,
    /// acknowledged anew): the lender or a lending agent acting for it. A version's effective date
    /// is not before the previous version's.
    /// @param agreementId The agreement's identifier.
    /// @param lender The lender's LEI.
    /// @param borrower The borrower's LEI.
    /// @param effectiveFrom The first day the version applies to (yyyymmdd).
    /// @param terms The terms sealed to the lender, the borrower and the agent.
    function propose(
        bytes32 agreementId,
        bytes20 lender,
        bytes20 borrower,
        uint32 effectiveFrom,
        IConfidential.Sealed calldata terms
    ) external;

    /// @notice Acknowledge a version of the terms (the borrower); one its lender's agent proposed
    /// needs the lender's consent first.
    /// @param agreementId The agreement's identifier.
    /// @param version The version acknowledged (the current one).
    function acknowledge(bytes32 agreementId, uint32 version) external;

    /// @notice Consent, as the lender, to a version of the terms its lending agent proposed.
    /// @param agreementId The agreement's identifier.
    /// @param version The version consented to (the current one).
    function consent(bytes32 agreementId, uint32 version) external;

    /// @notice Whether the lender consented to a version (always true for its own proposals).
    /// @param agreementId The agreement's identifier.
    /// @param version The version.
    /// @return True once consented.
    function isConsented(bytes32 agreementId, uint32 version) external view returns (bool);

    /// @notice Record the agreement's movement history, a new version sealed to the parties (the
    /// lender or its agent, once a version of the terms is acknowledged).
    /// @param agreementId The agreement's identifier.
    /// @param movements Every movement of the agreement so far, sealed (plaintext:
    /// abi.encode(Movement[]), dates ascending).
    function recordMovements(bytes32 agreementId, IConfidential.Sealed calldata movements) external;

    /// @notice Confirm a version of the movements (the borrower): calculations use it.
    /// @param agreementId The agreement's identifier.
    /// @param version The movements version confirmed (the latest one).
    function confirmMovements(bytes32 agreementId, uint32 version) external;

    /// @notice A version of an agreement's terms.
    /// @param agreementId The agreement's identifier.
    /// @param version The version (1 is the first).
    /// @return The version's commitment, effective date and acknowledgement; reverts when unknown.
    function getTermsVersion(bytes32 agreementId, uint32 version) external view returns (TermsVersion memory);

    /// @notice An agreement.
    /// @param agreementId The agreement's identifier.
    /// @return The stored agreement; reverts when unknown.
    function getAgreement(bytes32 agreementId) external view returns (Agreement memory);
}
