// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title The platform's roles and its emergency pause switch
/// @notice One contract holds every role of the platform so that an institution's permissions are
/// granted and revoked in one place; the other contracts ask it.
interface IPlatformAccess {
    /// @notice The role is not one the platform defines.
    error PlatformAccessUnknownRole(bytes32 role);
    /// @notice `account` lacks `role` for the call it made.
    error PlatformAccessUnauthorized(address account, bytes32 role);
    /// @notice The platform is paused by the operator; state changes are refused.
    error PlatformAccessPaused();

    /// @notice Whether the platform is paused.
    /// @return True while the operator has the platform paused.
    function paused() external view returns (bool);

    /// @notice Whether `account` holds `role`.
    /// @param role The role identifier (keccak256 of its name).
    /// @param account The address asked about.
    /// @return True when the role is held.
    function hasRole(bytes32 role, address account) external view returns (bool);

    /// @notice Whether `role` is one of the roles the platform defines.
    /// @param role The role identifier.
    /// @return True for a defined role.
    function isKnownRole(bytes32 role) external pure returns (bool);
}
