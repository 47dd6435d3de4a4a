// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Confidential payloads
/// @notice A confidential field goes on chain only as ciphertext, a data key wrapped for each
/// entitled institution (ECIES over its secp256k1 key), and a salted commitment of the plaintext.
interface IConfidential {
    /// @notice An entitled institution and the data key encrypted to it.
    struct Recipient {
        bytes20 lei;
        bytes wrappedKey;
    }

    /// @notice A sealed payload: keccak256(salt || plaintext), AES-GCM ciphertext, recipients.
    struct Sealed {
        bytes32 commitment;
        bytes ciphertext;
        Recipient[] recipients;
    }
}
