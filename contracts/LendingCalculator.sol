// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {LendingMath} from "./libraries/LendingMath.sol";

/// @title LendingCalculator
/// @notice The securities lending calculation as a pure function that any party runs by
/// `eth_call` on its own node with the plaintext inputs, to verify a figure without trusting
/// anyone's software and without revealing the terms on chain; see {LendingMath}.
contract LendingCalculator {
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
}
