// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IMarketCalendar} from "./interfaces/IMarketCalendar.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {Dates} from "./libraries/Dates.sol";
import {Roles} from "./libraries/Roles.sol";
import {PlatformControlled} from "./PlatformControlled.sol";

/// @title MarketCalendar
/// @notice Business days per market and year; see {IMarketCalendar}.
contract MarketCalendar is PlatformControlled, IMarketCalendar {
    /// @notice Most market-years one {publishYears} call takes.
    uint256 public constant MAX_BATCH = 64;
    /// @notice Most business days {addBusinessDays} counts.
    uint256 public constant MAX_STEPS = 1000;

    mapping(bytes4 market => mapping(uint16 year => CalendarYear)) private _years;

    /// @param access_ The deployed PlatformAccess.
    constructor(IPlatformAccess access_) PlatformControlled(access_) {}

    /// @inheritdoc IMarketCalendar
    function publishYears(
        bytes4[] calldata markets,
        uint16[] calldata yearList,
        uint256[] calldata lows,
        uint256[] calldata highs
    ) external onlyPlatformRole(Roles.OPERATOR) {
        uint256 size = markets.length;
        if (size > MAX_BATCH) revert MarketCalendarBatchTooLarge(size, MAX_BATCH);
        if (yearList.length != size || lows.length != size || highs.length != size) {
            revert MarketCalendarLengthMismatch(size, yearList.length, lows.length, highs.length);
        }
        for (uint256 i = 0; i < size; ++i) {
            _publish(markets[i], yearList[i], lows[i], highs[i]);
        }
    }

    /// @inheritdoc IMarketCalendar
    function isBusinessDay(bytes4 market, uint32 date) public view returns (bool) {
        if (!Dates.isValid(date)) revert MarketCalendarInvalidDate(date);
        return _isBusinessDay(market, Dates.toDays(date));
    }

    /// @inheritdoc IMarketCalendar
    function addBusinessDays(bytes4 market, uint32 date, uint256 count) external view returns (uint32) {
        if (!Dates.isValid(date)) revert MarketCalendarInvalidDate(date);
        if (count > MAX_STEPS) revert MarketCalendarTooFar(count, MAX_STEPS);
        uint256 day = Dates.toDays(date);
        while (!_isBusinessDay(market, day)) ++day;
        for (uint256 found = 0; found < count;) {
            ++day;
            if (_isBusinessDay(market, day)) ++found;
        }
        return Dates.fromDays(day);
    }

    /// @inheritdoc IMarketCalendar
    function getYear(bytes4 market, uint16 year) external view returns (CalendarYear memory) {
        return _years[market][year];
    }

    function _publish(bytes4 market, uint16 year, uint256 low, uint256 high) private {
        if (market == bytes4(0)) revert MarketCalendarInvalidMarket(market);
        if (year < 1970 || year > 9999) revert MarketCalendarInvalidYear(year);
        uint256 days_ = _daysIn(year);
        if (high >> (days_ - 256) != 0) revert MarketCalendarInvalidBitmap(market, year);
        CalendarYear storage stored = _years[market][year];
        if (stored.version != 0 && stored.low == low && stored.high == high) return;
        uint256 changedLow = stored.low ^ low;
        uint256 changedHigh = stored.high ^ high;
        uint32 version = stored.version + 1;
        stored.low = low;
        stored.high = high;
        stored.version = version;
        emit CalendarPublished(market, year, version, low, high, changedLow, changedHigh);
    }

    function _isBusinessDay(bytes4 market, uint256 day) private view returns (bool) {
        uint32 date = Dates.fromDays(day);
        uint16 year = uint16(date / 10000);
        CalendarYear storage stored = _years[market][year];
        if (stored.version == 0) revert MarketCalendarNotPublished(market, year);
        uint256 index = day - Dates.toDays(uint32(year) * 10000 + 101);
        return index < 256 ? (stored.low >> index) & 1 == 1 : (stored.high >> (index - 256)) & 1 == 1;
    }

    function _daysIn(uint16 year) private pure returns (uint256) {
        bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return leap ? 366 : 365;
    }
}
