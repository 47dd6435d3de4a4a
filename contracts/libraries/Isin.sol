// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Isin
/// @notice Checks an International Securities Identification Number (ISO 6166): two letters,
/// nine letters or digits and a check digit; letters become 10..35 and the Luhn check runs over
/// the resulting digits.
library Isin {
    /// @notice Whether `code` (ASCII, left-aligned, zero-padded) is a well-formed ISIN.
    /// @param code The ISIN in the first 12 bytes; the other 20 bytes must be zero.
    /// @return True when the format and the check digit are right.
    function isValid(bytes32 code) internal pure returns (bool) {
        if (uint256(code) & ((1 << 160) - 1) != 0) return false;
        uint8[24] memory digits;
        uint256 count = 0;
        for (uint256 i = 0; i < 12; ++i) {
            uint8 c = uint8(code[i]);
            bool digit = c >= 0x30 && c <= 0x39;
            bool letter = c >= 0x41 && c <= 0x5A;
            if ((i < 2 && !letter) || (i == 11 && !digit) || (!digit && !letter)) return false;
            if (digit) {
                digits[count++] = c - 0x30;
            } else {
                uint8 value = c - 0x41 + 10;
                digits[count++] = value / 10;
                digits[count++] = value % 10;
            }
        }
        uint256 sum = 0;
        for (uint256 k = 0; k < count; ++k) {
            uint256 d = digits[count - 1 - k];
            if (k % 2 == 1) {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
        }
        return sum % 10 == 0;
    }
}
