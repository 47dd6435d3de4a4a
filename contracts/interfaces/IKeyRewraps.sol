// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Re-wrapped data keys after an institution's key rotation
/// @notice A sealed payload ({IConfidential.Sealed}) wraps its data key to each recipient's
/// encryption key of the day. When an institution rotates its key (its own signed key change in
/// the participant registry), the copies wrapped to the old key no longer open with the new one.
/// The institution, still holding the old key, unwraps each data key and wraps it again to its
/// new key, and posts the new copies here; its readers then open old records through them. The
/// payloads themselves are not touched: their ciphertext, commitment and binding stay as sealed.
/// @dev Events only, no storage: every node keeps the logs, so a reader finds an institution's
/// re-wrapped keys with one `eth_getLogs` filtered by its LEI (and key version).
interface IKeyRewraps {
    /// @notice One payload's data key, wrapped again.
    /// @dev `payload`: keccak256 of the sealed payload's ciphertext (what names a payload
    /// wherever it was emitted). `wrappedKey`: the payload's data key ECIES-encrypted to the
    /// institution's current key.
    struct Rewrap {
        bytes32 payload;
        bytes wrappedKey;
    }

    /// @notice The caller is no operator of an active institution.
    /// @param account The caller.
    error KeyRewrapsNotInstitution(address account);
    /// @notice The caller acts for another institution than the one named.
    /// @param account The caller.
    /// @param caller The caller's institution.
    /// @param lei The institution named.
    error KeyRewrapsNotOwnInstitution(address account, bytes20 caller, bytes20 lei);
    /// @notice The key version given is not the institution's current one (its key changed
    /// since, or the version was never its key's).
    /// @param lei The institution.
    /// @param keyVersion The version given.
    /// @param current The version of its current key.
    error KeyRewrapsStaleKeyVersion(bytes20 lei, uint32 keyVersion, uint32 current);
    /// @notice A call with no re-wrapped key.
    /// @param lei The institution.
    error KeyRewrapsEmptyBatch(bytes20 lei);
    /// @notice Too many re-wrapped keys in one call.
    /// @param size The number given.
    /// @param maxSize The most allowed (MAX_BATCH).
    error KeyRewrapsBatchTooLarge(uint256 size, uint256 maxSize);
    /// @notice A wrapped key that is empty or longer than allowed.
    /// @param payload The payload it is for.
    /// @param length Its length in bytes.
    /// @param maxLength The most allowed (MAX_WRAPPED_KEY_LENGTH).
    error KeyRewrapsInvalidWrappedKey(bytes32 payload, uint256 length, uint256 maxLength);

    /// @notice A payload's data key was wrapped again to an institution's current key.
    /// @param lei The institution.
    /// @param keyVersion The version of the institution's key it is wrapped to
    /// ({IParticipantRegistry.encryptionKeyVersion}).
    /// @param payload keccak256 of the payload's ciphertext.
    /// @param wrappedKey The data key ECIES-encrypted to that key.
    event DataKeyRewrapped(
        bytes20 indexed lei, uint32 indexed keyVersion, bytes32 indexed payload, bytes wrappedKey
    );

    /// @notice Post an institution's data keys wrapped again to its current key. Only an
    /// operator of `lei`, itself active, sends them; `keyVersion` must be the institution's
    /// current key version, so no copy is posted for a key already replaced.
    /// @param lei The caller's own institution.
    /// @param keyVersion Its current key version.
    /// @param items The re-wrapped keys (1 to MAX_BATCH), each non-empty and at most
    /// MAX_WRAPPED_KEY_LENGTH bytes.
    function rewrap(bytes20 lei, uint32 keyVersion, Rewrap[] calldata items) external;
}
