// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title PlatformAccess
/// @notice The roles of B-POST and its pause switch. The default admin (the platform operator's
/// governance address) alone grants and revokes roles, and hands its admin over in two steps with a
/// delay (OpenZeppelin's AccessControlDefaultAdminRules). Addresses holding OPERATOR_ROLE run the
/// platform day to day: they admit institutions and may pause every contract at once.
contract PlatformAccess is AccessControlDefaultAdminRules, Pausable, IPlatformAccess {
    /// @notice Runs the platform: admits and suspends institutions, registers code namespaces, pauses.
    bytes32 public constant OPERATOR_ROLE = Roles.OPERATOR;
    /// @notice Links (namespace, value) codes to records; held by registry contracts and the operator.
    bytes32 public constant CODE_REGISTRAR_ROLE = Roles.CODE_REGISTRAR;
    /// @notice Creates and runs investment trusts (委託会社).
    bytes32 public constant ASSET_MANAGER_ROLE = Roles.ASSET_MANAGER;
    /// @notice Holds a fund's assets as trustee (受託会社).
    bytes32 public constant TRUSTEE_ROLE = Roles.TRUSTEE;
    /// @notice Sells fund units to investors (販売会社).
    bytes32 public constant DISTRIBUTOR_ROLE = Roles.DISTRIBUTOR;
    /// @notice Securities company acting as a counterparty (e.g. a borrower).
    bytes32 public constant SECURITIES_COMPANY_ROLE = Roles.SECURITIES_COMPANY;
    /// @notice Holds securities and settles on behalf of others.
    bytes32 public constant CUSTODIAN_ROLE = Roles.CUSTODIAN;
    /// @notice Acts for lenders in securities lending.
    bytes32 public constant LENDING_AGENT_ROLE = Roles.LENDING_AGENT;
    /// @notice Publishes reference data: calendars, prices, dividends.
    bytes32 public constant DATA_PROVIDER_ROLE = Roles.DATA_PROVIDER;
    /// @notice Reads everything, writes nothing (a regulator, an auditor).
    bytes32 public constant OBSERVER_ROLE = Roles.OBSERVER;

    /// @dev The registry whose institutions' status the roles follow (set once, at deployment).
    IParticipantRegistry private _participants;

    /// @param initialDelay Seconds a default-admin handover must wait before it can be accepted.
    /// @param initialAdmin The platform operator's governance address.
    constructor(uint48 initialDelay, address initialAdmin)
        AccessControlDefaultAdminRules(initialDelay, initialAdmin)
    {}

    /// @notice Pause every B-POST contract (incident response).
    /// @dev Emits {Paused}. Only OPERATOR_ROLE.
    function pause() external {
        _requireOperator();
        _pause();
    }

    /// @notice Resume after a pause.
    /// @dev Emits {Unpaused}. Only OPERATOR_ROLE.
    function unpause() external {
        _requireOperator();
        _unpause();
    }

    /// @notice Whether the platform is paused.
    /// @return True while paused.
    function paused() public view override(Pausable, IPlatformAccess) returns (bool) {
        return Pausable.paused();
    }

    /// @inheritdoc IPlatformAccess
    function hasRole(bytes32 role, address account)
        public
        view
        override(AccessControl, IAccessControl, IPlatformAccess)
        returns (bool)
    {
        return super.hasRole(role, account) && _inForce(account);
    }

    /// @inheritdoc IPlatformAccess
    function setParticipantRegistry(address registry) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (address(_participants) != address(0)) revert PlatformAccessRegistryAlreadySet(address(_participants));
        _participants = IParticipantRegistry(registry);
        emit ParticipantRegistrySet(registry);
    }

    /// @dev Whether the roles of `account` are in force: it is no operator of an institution (a
    /// platform key, a registry contract), or its institution is active.
    function _inForce(address account) private view returns (bool) {
        IParticipantRegistry participants = _participants;
        if (address(participants) == address(0)) return true;
        bytes20 lei = participants.institutionOf(account);
        if (lei == bytes20(0)) return true;
        (, IParticipantRegistry.InstitutionStatus status) = participants.statusOf(lei);
        return status == IParticipantRegistry.InstitutionStatus.Active;
    }

    /// @notice Grant `role` to `account`; only the default admin, only a role the platform defines.
    /// @dev Emits {RoleGranted} when the account did not hold the role.
    /// @param role The role identifier.
    /// @param account The address receiving the role.
    function grantRole(bytes32 role, address account) public override {
        _checkRole(getRoleAdmin(role)); // the caller's authority first, then what it asks for
        if (!isKnownRole(role)) revert PlatformAccessUnknownRole(role);
        super.grantRole(role, account);
    }

    /// @notice Whether `role` is one of the roles the platform defines.
    /// @param role The role identifier.
    /// @return True for a defined role (the default admin role included).
    function isKnownRole(bytes32 role) public pure returns (bool) {
        return role == DEFAULT_ADMIN_ROLE || role == OPERATOR_ROLE || role == CODE_REGISTRAR_ROLE
            || role == ASSET_MANAGER_ROLE || role == TRUSTEE_ROLE || role == DISTRIBUTOR_ROLE
            || role == SECURITIES_COMPANY_ROLE || role == CUSTODIAN_ROLE || role == LENDING_AGENT_ROLE
            || role == DATA_PROVIDER_ROLE || role == OBSERVER_ROLE;
    }

    function _requireOperator() private view {
        if (!hasRole(OPERATOR_ROLE, msg.sender)) revert PlatformAccessUnauthorized(msg.sender, OPERATOR_ROLE);
    }
}
