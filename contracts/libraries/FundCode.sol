// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title FundCode
/// @notice The platform's standardized fund code: `BP`, the fund's serial number in eight base-36
/// digits (0-9, A-Z), and a check character by the Luhn mod 36 algorithm over the ten characters
/// before it, e.g. `BP000000013`. Serial numbers are issued once, so a code is never reused.
library FundCode {
    /// @notice Most serial numbers the eight base-36 digits hold.
    uint256 internal constant MAX_SERIAL = 36 ** 8 - 1;

    /// @notice The code of serial number `serial`, ASCII, left-aligned in a bytes32.
    /// @param serial The fund's serial number (1 to MAX_SERIAL).
    /// @return code The 11-character code.
    function format(uint256 serial) internal pure returns (bytes32 code) {
        bytes memory text = new bytes(11);
        text[0] = "B";
        text[1] = "P";
        uint256 rest = serial;
        for (uint256 i = 9; i >= 2; --i) {
            text[i] = _char(rest % 36);
            rest /= 36;
        }
        text[10] = _char(checkValue(text));
        assembly ("memory-safe") {
            code := mload(add(text, 32))
        }
        code &= bytes32(~uint256(0) << 168); // keep the 11 characters, zero the rest
    }

    /// @notice The serial number of a well-formed code, or 0 when `code` is not one (a wrong
    /// prefix, character or check character, or anything after the eleventh character).
    /// @param code The code, ASCII, left-aligned in a bytes32.
    /// @return serial The serial number.
    function serialOf(bytes32 code) internal pure returns (uint256 serial) {
        if (code[0] != "B" || code[1] != "P" || uint256(code) << 88 != 0) return 0;
        bytes memory text = new bytes(11);
        for (uint256 i = 0; i < 11; ++i) {
            bytes1 c = code[i];
            if (!((c >= "0" && c <= "9") || (c >= "A" && c <= "Z"))) return 0;
            text[i] = c;
        }
        for (uint256 i = 2; i < 10; ++i) {
            serial = serial * 36 + _value(text[i]);
        }
        if (_value(text[10]) != checkValue(text)) return 0;
    }

    /// @notice The Luhn mod 36 check value of the first ten characters of `text`.
    /// @param text At least ten characters of 0-9 and A-Z.
    /// @return The check character's value (0 to 35).
    function checkValue(bytes memory text) internal pure returns (uint256) {
        uint256 sum = 0;
        uint256 factor = 2;
        for (uint256 i = 10; i > 0; --i) {
            uint256 addend = factor * _value(text[i - 1]);
            sum += addend / 36 + (addend % 36);
            factor = factor == 2 ? 1 : 2;
        }
        return (36 - (sum % 36)) % 36;
    }

    function _char(uint256 value) private pure returns (bytes1) {
        return value < 10 ? bytes1(uint8(0x30 + value)) : bytes1(uint8(0x41 + value - 10));
    }

    function _value(bytes1 c) private pure returns (uint256) {
        uint8 b = uint8(c);
        return b <= 0x39 ? b - 0x30 : b - 0x41 + 10;
    }
}
