// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IDividendRegistry} from "./interfaces/IDividendRegistry.sol";
import {ILendingAgreements} from "./interfaces/ILendingAgreements.sol";
import {IPriceFeed} from "./interfaces/IPriceFeed.sol";
import {ISecurityRegistry} from "./interfaces/ISecurityRegistry.sol";
import {Dates} from "./libraries/Dates.sol";
import {LendingMath} from "./libraries/LendingMath.sol";

/// @title LendingCalculator
/// @notice The securities lending calculation as a pure function that any party runs by
/// `eth_call` on its own node with the plaintext inputs, to verify a figure without trusting
/// anyone's software and without revealing the terms on chain; see {LendingMath}. With
/// {calculateCommitted} the terms and positions are first checked against the commitments the
/// agreement holds on chain, and the closes and dividends against the shared reference data.
contract LendingCalculator {
    ILendingAgreements private immutable _agreements;
    ISecurityRegistry private immutable _securities;
    IPriceFeed private immutable _prices;
    IDividendRegistry private immutable _dividends;

    error LendingCalculatorNotCommitted(bytes32 agreementId, string input);
    error LendingCalculatorNotShared(uint32 date, string input);

    /// @param agreements_ The deployed LendingAgreements.
    /// @param securities_ The deployed SecurityRegistry.
    /// @param prices_ The deployed PriceFeed (its closes are over 10^6, as the calculator's).
    /// @param dividends_ The deployed DividendRegistry (amounts over 10^6).
    constructor(
        ILendingAgreements agreements_,
        ISecurityRegistry securities_,
        IPriceFeed prices_,
        IDividendRegistry dividends_
    ) {
        _agreements = agreements_;
        _securities = securities_;
        _prices = prices_;
        _dividends = dividends_;
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
    /// must be the ones it committed to (keccak256(salt || abi.encode(...))), and whose closes and
    /// dividends must be the platform's: every close of the PriceFeed from the first close given
    /// to `end`, none left out, and every dividend of the DividendRegistry with a record date in
    /// the period, with its current amount.
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
        _requireSharedCloses(terms.security, closes, end);
        _requireSharedDividends(terms.security, dividends, start, end);
        return LendingMath.calculate(terms.calculation, positions, closes, dividends, start, end);
    }

    /// @dev The closes given are exactly the PriceFeed's from the first of them to `end`.
    function _requireSharedCloses(bytes12 isin, LendingMath.Close[] calldata closes, uint32 end) private view {
        if (closes.length == 0) return;
        uint32 index = _securities.getSecurity(isin).index;
        uint256 next = 0;
        uint256 last = Dates.toDays(end);
        for (uint256 day = Dates.toDays(closes[0].date); day <= last; ++day) {
            uint32 date = Dates.fromDays(day);
            uint64 shared = uint64(_prices.closeWords(date, (index - 1) / 4, 1)[0] >> (64 * ((index - 1) % 4)));
            bool given = next < closes.length && closes[next].date == date;
            if (given ? closes[next].close != shared : shared != 0) revert LendingCalculatorNotShared(date, "close");
            if (given) ++next;
        }
        if (next != closes.length) revert LendingCalculatorNotShared(closes[next].date, "close");
    }

    /// @dev The dividends given are exactly the DividendRegistry's with a record date in the period.
    function _requireSharedDividends(
        bytes12 isin,
        LendingMath.Dividend[] calldata dividends,
        uint32 start,
        uint32 end
    ) private view {
        uint32[] memory recordDates = _dividends.recordDatesOf(isin);
        uint256 inPeriod = 0;
        for (uint256 i = 0; i < recordDates.length; ++i) {
            if (recordDates[i] >= start && recordDates[i] <= end) ++inPeriod;
        }
        uint256 given = 0;
        for (uint256 i = 0; i < dividends.length; ++i) {
            uint32 recordDate = dividends[i].recordDate;
            if (recordDate < start || recordDate > end) continue;
            IDividendRegistry.Dividend memory shared = _dividends.getDividend(isin, recordDate);
            bool cancelled = shared.status == IDividendRegistry.Status.Cancelled;
            if (cancelled || shared.amountPerShare != dividends[i].amountPerShare) {
                revert LendingCalculatorNotShared(recordDate, "dividend");
            }
            ++given;
        }
        if (given != inPeriod) revert LendingCalculatorNotShared(start, "dividend");
    }
}
