// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Dates} from "./Dates.sol";

/// @title LendingMath
/// @notice The securities lending calculation of one agreement over one period (use case 3),
/// exactly as `bpost_client.lending.engine` documents it: the lending fee, the cash-collateral
/// interest, the dividend equivalent and the net, in the currency's minor unit. Every decimal
/// input is a numerator over 10^6 (quantities, closes, collateral, amounts per share, rates in
/// percent); nothing is rounded before the one rounding step, so the result equals the engine's.
library LendingMath {
    /// @notice Decimal inputs are numerators over 10^SCALE.
    uint256 internal constant SCALE = 6;
    /// @notice Most calendar days one period spans.
    uint256 internal constant MAX_DAYS = 366;
    /// @notice Most calendar days a close may be older than the day it marks (the PriceFeed's
    /// MAX_LOOKBACK_DAYS; the client's default `max_price_age`).
    uint256 internal constant MAX_PRICE_AGE_DAYS = 31;

    enum DayCount {
        Act365F,
        Act360
    }

    enum DaysCounted {
        OneEnd,
        BothEnds
    }

    enum PriceBasis {
        PreviousClose,
        SameDayClose
    }

    enum Rounding {
        PeriodTruncate,
        DailyTruncate,
        PeriodHalfUp
    }

    /// @notice The terms the calculation needs (rates in percent over 10^6; the minimum fee in
    /// minor units, applied when `hasMinimumFee`).
    struct Terms {
        int256 feeRate;
        int256 collateralRate;
        int256 dividendRate;
        DayCount dayCount;
        DaysCounted daysCounted;
        PriceBasis priceBasis;
        Rounding rounding;
        uint8 minorUnits;
        bool hasMinimumFee;
        int256 minimumFee;
    }

    /// @notice A position row: from `date` on, until the next row (dates ascending).
    struct Position {
        uint32 date;
        uint256 quantity;
        uint256 collateral;
    }

    /// @notice A close of the security on a business day (dates ascending).
    struct Close {
        uint32 date;
        uint256 close;
    }

    /// @notice A dividend of the security.
    struct Dividend {
        uint32 recordDate;
        uint256 amountPerShare;
    }

    /// @notice The period's amounts in minor units.
    struct Result {
        int256 lendingFee;
        int256 collateralInterest;
        int256 dividendEquivalent;
        int256 netAmount;
        uint256 accrualDays;
    }

    /// @notice The period's days are not dates, it ends before it starts, or it is longer than
    /// MAX_DAYS.
    /// @param start The first day given, yyyymmdd.
    /// @param end The last day given, yyyymmdd.
    error LendingMathInvalidPeriod(uint32 start, uint32 end);
    /// @notice The position rows are not in strictly ascending order of date.
    /// @param index The row out of order.
    /// @param date Its date, yyyymmdd.
    /// @param previous The date of the row before it, yyyymmdd.
    error LendingMathPositionsUnsorted(uint256 index, uint32 date, uint32 previous);
    /// @notice The closes are not in strictly ascending order of date.
    /// @param index The close out of order.
    /// @param date Its date, yyyymmdd.
    /// @param previous The date of the close before it, yyyymmdd.
    error LendingMathClosesUnsorted(uint256 index, uint32 date, uint32 previous);
    /// @notice A day that accrues has no close on or before it.
    /// @param date The day, yyyymmdd.
    error LendingMathMissingPrice(uint32 date);
    /// @notice A day that accrues whose latest close is more than MAX_PRICE_AGE_DAYS calendar
    /// days older than it.
    /// @param date The day marked, yyyymmdd.
    /// @param closeDate The date of that close, yyyymmdd.
    error LendingMathStalePrice(uint32 date, uint32 closeDate);
    /// @notice The currency's minor units are more than the calculation supports.
    /// @param minorUnits The minor units given.
    /// @param max The most supported.
    error LendingMathInvalidMinorUnits(uint8 minorUnits, uint8 max);

    /// @dev The period's rounded fee and collateral interest, and its accruing days.
    struct Sums {
        int256 fee;
        int256 collateral;
        uint256 accrualDays;
        int256 feeDivisor;
        int256 collateralDivisor;
    }

    /// @dev The running state of the day loop.
    struct Cursor {
        uint256 position;
        uint256 close;
        uint256 quantity;
        uint256 collateral;
        uint256 previousQuantity;
    }

    /// @notice The amounts of one agreement from `start` to `end` (inclusive calendar days).
    /// @param terms The agreement's terms.
    /// @param positions Its position rows, dates ascending.
    /// @param closes The security's closes, dates ascending (business days).
    /// @param dividends The security's dividends.
    /// @param start The first day, yyyymmdd.
    /// @param end The last day, yyyymmdd.
    /// @return result The amounts in minor units and the number of accruing days.
    function calculate(
        Terms memory terms,
        Position[] memory positions,
        Close[] memory closes,
        Dividend[] memory dividends,
        uint32 start,
        uint32 end
    ) internal pure returns (Result memory result) {
        if (!Dates.isValid(start) || !Dates.isValid(end) || end < start) revert LendingMathInvalidPeriod(start, end);
        if (terms.minorUnits > 4) revert LendingMathInvalidMinorUnits(terms.minorUnits, 4);
        _requireSorted(positions, closes);
        uint256 first = Dates.toDays(start);
        uint256 last = Dates.toDays(end);
        if (last - first + 1 > MAX_DAYS) revert LendingMathInvalidPeriod(start, end);
        Sums memory sums = _accrue(terms, positions, closes, first, last);
        int256 fee = sums.fee;
        if (terms.hasMinimumFee && sums.accrualDays > 0 && fee < terms.minimumFee) fee = terms.minimumFee;
        result.accrualDays = sums.accrualDays;
        result.lendingFee = fee;
        result.collateralInterest = sums.collateral;
        result.dividendEquivalent = _dividendEquivalent(terms, positions, dividends, start, end);
        result.netAmount = fee + result.dividendEquivalent - sums.collateral;
    }

    function _accrue(
        Terms memory terms,
        Position[] memory positions,
        Close[] memory closes,
        uint256 first,
        uint256 last
    ) private pure returns (Sums memory sums) {
        uint256 basis = terms.dayCount == DayCount.Act365F ? 365 : 360;
        // Minor units of a fee numerator n: n * 10^m / (10^(3 SCALE) * 100 * basis).
        sums.feeDivisor = int256(10 ** (3 * SCALE + 2 - terms.minorUnits) * basis);
        sums.collateralDivisor = int256(10 ** (2 * SCALE + 2 - terms.minorUnits) * basis);
        Cursor memory cursor;
        _advance(cursor, positions, first - 1); // the day before the period (both ends)
        cursor.previousQuantity = cursor.quantity;
        for (uint256 day = first; day <= last; ++day) {
            _accrueDay(terms, positions, closes, cursor, sums, day);
        }
        if (terms.rounding == Rounding.PeriodTruncate) {
            sums.fee = _truncate(sums.fee, sums.feeDivisor);
            sums.collateral = _truncate(sums.collateral, sums.collateralDivisor);
        } else if (terms.rounding == Rounding.PeriodHalfUp) {
            sums.fee = _halfUp(sums.fee, sums.feeDivisor);
            sums.collateral = _halfUp(sums.collateral, sums.collateralDivisor);
        }
    }

    function _accrueDay(
        Terms memory terms,
        Position[] memory positions,
        Close[] memory closes,
        Cursor memory cursor,
        Sums memory sums,
        uint256 day
    ) private pure {
        _advance(cursor, positions, day);
        uint256 accruing = cursor.quantity;
        if (terms.daysCounted == DaysCounted.BothEnds && cursor.previousQuantity > accruing) {
            accruing = cursor.previousQuantity;
        }
        cursor.previousQuantity = cursor.quantity;
        int256 fee = 0;
        if (accruing > 0) {
            ++sums.accrualDays;
            fee = int256(accruing * _markPrice(cursor, closes, day, terms.priceBasis)) * terms.feeRate;
        }
        int256 interest = int256(cursor.collateral) * terms.collateralRate;
        if (terms.rounding == Rounding.DailyTruncate) {
            sums.fee += _truncate(fee, sums.feeDivisor);
            sums.collateral += _truncate(interest, sums.collateralDivisor);
        } else {
            sums.fee += fee;
            sums.collateral += interest;
        }
    }

    function _dividendEquivalent(
        Terms memory terms,
        Position[] memory positions,
        Dividend[] memory dividends,
        uint32 start,
        uint32 end
    ) private pure returns (int256 total) {
        int256 divisor = int256(10 ** (3 * SCALE + 2 - terms.minorUnits));
        for (uint256 i = 0; i < dividends.length; ++i) {
            uint32 recordDate = dividends[i].recordDate;
            if (recordDate < start || recordDate > end) continue;
            uint256 quantity = 0;
            for (uint256 j = 0; j < positions.length && positions[j].date <= recordDate; ++j) {
                quantity = positions[j].quantity;
            }
            int256 numerator = int256(quantity * dividends[i].amountPerShare) * terms.dividendRate;
            total += _truncate(numerator, divisor);
        }
    }

    /// @dev Moves the position pointer to the row in effect on `day` (a day number).
    function _advance(Cursor memory cursor, Position[] memory positions, uint256 day) private pure {
        while (cursor.position < positions.length && Dates.toDays(positions[cursor.position].date) <= day) {
            cursor.quantity = positions[cursor.position].quantity;
            cursor.collateral = positions[cursor.position].collateral;
            ++cursor.position;
        }
    }

    /// @dev The close of the latest price date before `day` (previous close) or on or before it,
    /// at most MAX_PRICE_AGE_DAYS calendar days older than `day`.
    function _markPrice(Cursor memory cursor, Close[] memory closes, uint256 day, PriceBasis basis)
        private
        pure
        returns (uint256)
    {
        uint256 limit = basis == PriceBasis.SameDayClose ? day + 1 : day;
        while (cursor.close < closes.length && Dates.toDays(closes[cursor.close].date) < limit) {
            ++cursor.close;
        }
        if (cursor.close == 0) revert LendingMathMissingPrice(Dates.fromDays(day));
        Close memory mark = closes[cursor.close - 1];
        if (day - Dates.toDays(mark.date) > MAX_PRICE_AGE_DAYS) {
            revert LendingMathStalePrice(Dates.fromDays(day), mark.date);
        }
        return mark.close;
    }

    function _truncate(int256 numerator, int256 divisor) private pure returns (int256) {
        return numerator / divisor; // Solidity's signed division truncates toward zero
    }

    function _halfUp(int256 numerator, int256 divisor) private pure returns (int256) {
        int256 magnitude = numerator < 0 ? -numerator : numerator;
        int256 rounded = (2 * magnitude + divisor) / (2 * divisor);
        return numerator < 0 ? -rounded : rounded;
    }

    function _requireSorted(Position[] memory positions, Close[] memory closes) private pure {
        for (uint256 i = 1; i < positions.length; ++i) {
            if (positions[i].date <= positions[i - 1].date) {
                revert LendingMathPositionsUnsorted(i, positions[i].date, positions[i - 1].date);
            }
        }
        for (uint256 i = 1; i < closes.length; ++i) {
            if (closes[i].date <= closes[i - 1].date) {
                revert LendingMathClosesUnsorted(i, closes[i].date, closes[i - 1].date);
            }
        }
    }
}
