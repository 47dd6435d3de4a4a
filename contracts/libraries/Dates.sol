// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Dates
/// @notice Dates as yyyymmdd numbers (20260401): readable in events, ordered as numbers.
library Dates {
    /// @notice Whether `date` is a plausible yyyymmdd date (year 1900-9999, month 1-12, day 1-31).
    /// @param date The date.
    /// @return True when plausible; the client checks the calendar exactly.
    function isValid(uint32 date) internal pure returns (bool) {
        uint32 month = (date / 100) % 100;
        uint32 day = date % 100;
        return date >= 19000101 && date <= 99991231 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
    }

    /// @notice Days since 1970-01-01 of a valid yyyymmdd date (proleptic Gregorian).
    /// @param date The date.
    /// @return The day number.
    function toDays(uint32 date) internal pure returns (uint256) {
        uint256 y = date / 10000;
        uint256 m = (date / 100) % 100;
        uint256 d = date % 100;
        if (m <= 2) y -= 1;
        uint256 era = y / 400;
        uint256 yoe = y - era * 400;
        uint256 doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
        uint256 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }

    /// @notice The yyyymmdd date of a day number (days since 1970-01-01).
    /// @param dayNumber The day number.
    /// @return The date.
    function fromDays(uint256 dayNumber) internal pure returns (uint32) {
        uint256 z = dayNumber + 719468;
        uint256 era = z / 146097;
        uint256 doe = z - era * 146097;
        uint256 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        uint256 mp = (5 * doy + 2) / 153;
        uint256 d = doy - (153 * mp + 2) / 5 + 1;
        uint256 m = mp < 10 ? mp + 3 : mp - 9;
        uint256 y = yoe + era * 400 + (m <= 2 ? 1 : 0);
        return uint32(y * 10000 + m * 100 + d);
    }
}
