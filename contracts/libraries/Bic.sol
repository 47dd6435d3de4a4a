// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Bic
/// @notice Checks the format of a Business Identifier Code (ISO 9362): four letters (institution),
/// two letters (country), two letters or digits (location), optionally three letters or digits
/// (branch). The client also checks the country against ISO 3166.
library Bic {
    /// @notice Whether `bic` (ASCII, left-aligned, zero-padded) is an 8- or 11-character BIC.
    /// @param bic The BIC.
    /// @return True when well-formed.
    function isValid(bytes11 bic) internal pure returns (bool) {
        uint256 length = 0;
        while (length < 11 && bic[length] != 0) ++length;
        if (length != 8 && length != 11) return false;
        for (uint256 i = length; i < 11; ++i) {
            if (bic[i] != 0) return false;
        }
        for (uint256 i = 0; i < length; ++i) {
            uint8 c = uint8(bic[i]);
            bool letter = c >= 0x41 && c <= 0x5A;
            bool digit = c >= 0x30 && c <= 0x39;
            if (i < 6 ? !letter : !(letter || digit)) return false;
        }
        return true;
    }
}
