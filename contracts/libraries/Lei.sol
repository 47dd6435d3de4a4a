// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Lei
/// @notice Checks a Legal Entity Identifier (ISO 17442): 18 upper-case letters or digits and two
/// check digits, valid when the number made by turning letters into 10..35 is 1 modulo 97
/// (ISO 7064 MOD 97-10).
library Lei {
    /// @notice Whether `lei` (20 ASCII bytes) is a well-formed LEI with valid check digits.
    /// @param lei The LEI as 20 ASCII bytes.
    /// @return True when the format and the check digits are right.
    function isValid(bytes20 lei) internal pure returns (bool) {
        uint256 remainder = 0;
        for (uint256 i = 0; i < 20; ++i) {
            uint8 c = uint8(lei[i]);
            if (c >= 0x30 && c <= 0x39) {
                remainder = (remainder * 10 + (c - 0x30)) % 97;
            } else if (c >= 0x41 && c <= 0x5A && i < 18) {
                remainder = (remainder * 100 + (c - 0x41 + 10)) % 97;
            } else {
                return false;
            }
        }
        return remainder == 1;
    }
}
