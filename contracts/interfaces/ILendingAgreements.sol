// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IConfidential} from "./IConfidential.sol";
import {LendingMath} from "../libraries/LendingMath.sol";

/// @title Securities lending agreements (use case 3)
/// @notice The lender (or its lending agent) registers an agreement's terms once and the borrower
/// acknowledges them; the positions follow as versions. Terms and positions are confidential
/// between the parties: on chain they are ciphertext sealed to each party and a salted commitment
/// (keccak256(salt || abi.encode(...))), which the LendingCalculator checks its inputs against.
interface ILendingAgreements {
    /// @notice Where an agreement stands.
    enum Status {
        None,
        Proposed,
        Acknowledged
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
        uint32 positionsVersion;
        bytes32 termsCommitment;
        bytes32 positionsCommitment;
    }

    error LendingAgreementsNotInstitution(address account);
    error LendingAgreementsNotParty(bytes20 lei, bytes32 agreementId);
    error LendingAgreementsInvalid(bytes32 agreementId, string field);
    error LendingAgreementsRecipientMissing(bytes32 agreementId, bytes20 lei);
    error LendingAgreementsWrongState(bytes32 agreementId, Status status);
    error LendingAgreementsStaleVersion(bytes32 agreementId, uint32 version, uint32 current);
    error LendingAgreementsUnknown(bytes32 agreementId);

    event AgreementProposed(
        bytes32 indexed agreementId,
        bytes20 indexed lender,
        bytes20 indexed borrower,
        bytes20 agent,
        uint32 version,
        IConfidential.Sealed terms
    );
    event AgreementAcknowledged(bytes32 indexed agreementId, bytes20 indexed borrower, uint32 version);
    event PositionsRecorded(bytes32 indexed agreementId, uint32 positionsVersion, IConfidential.Sealed positions, bytes20 by);

    /// @notice Propose an agreement's terms, or amend them (a new version, acknowledged anew): the
    /// lender or a lending agent acting for it.
    /// @param agreementId The agreement's identifier.
    /// @param lender The lender's LEI.
    /// @param borrower The borrower's LEI.
    /// @param terms The terms sealed to the lender, the borrower and the agent.
    function propose(bytes32 agreementId, bytes20 lender, bytes20 borrower, IConfidential.Sealed calldata terms)
        external;

    /// @notice Acknowledge a version of the terms (the borrower).
    /// @param agreementId The agreement's identifier.
    /// @param version The version acknowledged (the current one).
    function acknowledge(bytes32 agreementId, uint32 version) external;

    /// @notice Record the agreement's positions (quantity and collateral rows), a new version,
    /// sealed to the parties (the lender or its agent).
    /// @param agreementId The agreement's identifier.
    /// @param positions The position rows sealed (plaintext: abi.encode(LendingMath.Position[])).
    function recordPositions(bytes32 agreementId, IConfidential.Sealed calldata positions) external;

    /// @notice An agreement.
    /// @param agreementId The agreement's identifier.
    /// @return The stored agreement; reverts when unknown.
    function getAgreement(bytes32 agreementId) external view returns (Agreement memory);
}
