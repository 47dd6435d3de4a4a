// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";

/// @title PlatformControlled
/// @notice Base of every B-POST contract that changes state: asks {PlatformAccess} for roles and
/// for the pause switch, so that one grant or one pause takes effect everywhere.
abstract contract PlatformControlled {
    IPlatformAccess private immutable _access;

    /// @param access_ The deployed {PlatformAccess}.
    constructor(IPlatformAccess access_) {
        _access = access_;
    }

    /// @dev Refuses a caller without `role`, and any call while the platform is paused.
    modifier onlyPlatformRole(bytes32 role) {
        _requirePlatformRole(role);
        _;
    }

    /// @notice The {PlatformAccess} this contract obeys.
    /// @return The access contract's address.
    function platformAccess() external view returns (IPlatformAccess) {
        return _access;
    }

    function _requirePlatformRole(bytes32 role) internal view {
        if (!_access.hasRole(role, msg.sender)) {
            revert IPlatformAccess.PlatformAccessUnauthorized(msg.sender, role);
        }
        _requireNotPaused();
    }

    function _requireNotPaused() internal view {
        if (_access.paused()) revert IPlatformAccess.PlatformAccessPaused();
    }

    function _hasPlatformRole(bytes32 role, address account) internal view returns (bool) {
        return _access.hasRole(role, account);
    }
}
