// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IKeyRewraps} from "./interfaces/IKeyRewraps.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {PlatformControlled} from "./PlatformControlled.sol";

/// @title KeyRewraps
/// @notice Data keys an institution wrapped again to its rotated key; see {IKeyRewraps}. The
/// contract keeps no state: each re-wrapped key is an event, which every node keeps.
contract KeyRewraps is PlatformControlled, IKeyRewraps {
    /// @notice Most re-wrapped keys one {rewrap} call takes.
    uint256 public constant MAX_BATCH = 128;
    /// @notice Longest wrapped key, in bytes (an ECIES copy of a 32-byte key takes 129).
    uint256 public constant MAX_WRAPPED_KEY_LENGTH = 256;

    IParticipantRegistry private immutable _participants;

    /// @param access_ The deployed PlatformAccess.
    /// @param participants_ The deployed ParticipantRegistry.
    constructor(IPlatformAccess access_, IParticipantRegistry participants_) PlatformControlled(access_) {
        _participants = participants_;
    }

    /// @inheritdoc IKeyRewraps
    function rewrap(bytes20 lei, uint32 keyVersion, Rewrap[] calldata items) external {
        _requireNotPaused();
        if (!_participants.isActiveOperator(msg.sender)) revert KeyRewrapsNotInstitution(msg.sender);
        bytes20 caller = _participants.institutionOf(msg.sender);
        if (caller != lei) revert KeyRewrapsNotOwnInstitution(msg.sender, caller, lei);
        uint32 current = _participants.encryptionKeyVersion(lei);
        if (keyVersion != current) revert KeyRewrapsStaleKeyVersion(lei, keyVersion, current);
        if (items.length == 0) revert KeyRewrapsEmptyBatch(lei);
        if (items.length > MAX_BATCH) revert KeyRewrapsBatchTooLarge(items.length, MAX_BATCH);
        for (uint256 i = 0; i < items.length; ++i) {
            Rewrap calldata item = items[i];
            uint256 length = item.wrappedKey.length;
            if (length == 0 || length > MAX_WRAPPED_KEY_LENGTH) {
                revert KeyRewrapsInvalidWrappedKey(item.payload, length, MAX_WRAPPED_KEY_LENGTH);
            }
            emit DataKeyRewrapped(lei, keyVersion, item.payload, item.wrappedKey);
        }
    }
}
