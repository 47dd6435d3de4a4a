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
}
