// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title The platform's roles and its emergency pause switch
/// @notice One contract holds every role of the platform so that an institution's permissions are
/// granted and revoked in one place; the other contracts ask it.
interface IPlatformAccess {
    /// @notice The role is not one the platform defines.
    /// @param role The role identifier given.
    error PlatformAccessUnknownRole(bytes32 role);
    /// @notice `account` lacks `role` for the call it made (or its institution is suspended).
    /// @param account The caller.
    /// @param role The role the call needs.
    error PlatformAccessUnauthorized(address account, bytes32 role);
    /// @notice The platform is paused by the operator; state changes are refused.
    error PlatformAccessPaused();
    /// @notice The participant registry is wired already: it is set once, at deployment.
    /// @param registry The registry in place.
    error PlatformAccessRegistryAlreadySet(address registry);

    /// @notice The participant registry whose institutions' status the roles follow was set.
    /// @param registry The ParticipantRegistry.
    event ParticipantRegistrySet(address registry);

    /// @notice Whether the platform is paused.
    /// @return True while the operator has the platform paused.
    function paused() external view returns (bool);

    /// @notice Whether `account` holds `role` now: granted, and, when the account is an operator
    /// of an institution, that institution is active (suspending it stops all its roles at once,
    /// reinstating it restores them).
    /// @param role The role identifier (keccak256 of its name).
    /// @param account The address asked about.
    /// @return True when the role is held and in force.
    function hasRole(bytes32 role, address account) external view returns (bool);

    /// @notice Pause every B-POST contract at once (incident response): an operator, or the
    /// guardians' quorum through GUARDIAN_ROLE.
    /// @dev Emits {Paused}.
    function pause() external;

    /// @notice Resume after a pause: an operator only (on a consortium chain, a proposal through
    /// the timelock), never the guardians alone.
    /// @dev Emits {Unpaused}.
    function unpause() external;

    /// @notice Wire the participant registry whose institutions' status the roles follow; once,
    /// by an operator, at deployment.
    /// @param registry The deployed ParticipantRegistry.
    function setParticipantRegistry(address registry) external;

    /// @notice Whether `role` is one of the roles the platform defines.
    /// @param role The role identifier.
    /// @return True for a defined role.
    function isKnownRole(bytes32 role) external pure returns (bool);
}
