// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ILendingAgreements} from "./interfaces/ILendingAgreements.sol";
import {LendingMath} from "./libraries/LendingMath.sol";

/// @title LendingCalculator
/// @notice The securities lending calculation as a pure function that any party runs by
/// `eth_call` on its own node with the plaintext inputs, to verify a figure without trusting
/// anyone's software and without revealing the terms on chain; see {LendingMath}. With
/// {calculateCommitted} the terms and positions are first checked against the commitments the
/// agreement holds on chain.
contract LendingCalculator {
    ILendingAgreements private immutable _agreements;

    error LendingCalculatorNotCommitted(bytes32 agreementId, string input);

    /// @param agreements_ The deployed LendingAgreements.
    constructor(ILendingAgreements agreements_) {
        _agreements = agreements_;
    }

    /// @notice The lending fee, collateral interest, dividend equivalent and net of one agreement
    /// over one period, in the currency's minor unit.
    /// @param terms The agreement's terms (rates in percent over 10^6).
    /// @param positions Its position rows, dates ascending (quantity and collateral over 10^6).
    /// @param closes The security's closes, dates ascending (over 10^6).
    /// @param dividends The security's dividends (amount per share over 10^6).
    /// @param start The first day, yyyymmdd.
    /// @param end The last day, yyyymmdd (inclusive).
    /// @return The amounts and the number of accruing days.
    function calculate(
        LendingMath.Terms calldata terms,
        LendingMath.Position[] calldata positions,
        LendingMath.Close[] calldata closes,
        LendingMath.Dividend[] calldata dividends,
        uint32 start,
        uint32 end
    ) external pure returns (LendingMath.Result memory) {
        return LendingMath.calculate(terms, positions, closes, dividends, start, end);
    }

    /// @notice {calculate} for a registered, acknowledged agreement, whose terms and positions
    /// must be the ones it committed to: keccak256(salt || abi.encode(...)).
    /// @param agreementId The agreement's identifier.
    /// @param terms Its terms as sealed.
    /// @param termsSalt The salt of the terms' commitment.
    /// @param positions Its positions as sealed.
    /// @param positionsSalt The salt of the positions' commitment.
    /// @param closes The security's closes, dates ascending (over 10^6).
    /// @param dividends The security's dividends (amount per share over 10^6).
    /// @param start The first day, yyyymmdd.
    /// @param end The last day, yyyymmdd (inclusive).
    /// @return The amounts and the number of accruing days.
    function calculateCommitted(
        bytes32 agreementId,
        ILendingAgreements.AgreementTerms calldata terms,
        bytes32 termsSalt,
        LendingMath.Position[] calldata positions,
        bytes32 positionsSalt,
        LendingMath.Close[] calldata closes,
        LendingMath.Dividend[] calldata dividends,
        uint32 start,
        uint32 end
    ) external view returns (LendingMath.Result memory) {
        ILendingAgreements.Agreement memory agreement = _agreements.getAgreement(agreementId);
        if (
            agreement.status != ILendingAgreements.Status.Acknowledged
                || keccak256(abi.encodePacked(termsSalt, abi.encode(terms))) != agreement.termsCommitment
        ) revert LendingCalculatorNotCommitted(agreementId, "terms");
        if (keccak256(abi.encodePacked(positionsSalt, abi.encode(positions))) != agreement.positionsCommitment) {
            revert LendingCalculatorNotCommitted(agreementId, "positions");
        }
        return LendingMath.calculate(terms.calculation, positions, closes, dividends, start, end);
    }
}
