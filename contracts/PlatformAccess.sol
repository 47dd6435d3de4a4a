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
/// @notice The roles of B-POST and its pause switch. The default admin (the consortium's
/// timelock) grants and revokes OPERATOR_ROLE and GUARDIAN_ROLE, and hands its admin over in two
/// steps with a delay (OpenZeppelin's AccessControlDefaultAdminRules). OPERATOR_ROLE (the timelock
/// again, on a consortium chain) admits institutions, grants the business roles and unpauses;
/// GUARDIAN_ROLE (the guardians' quorum) may pause at once and suspend an institution, nothing
/// more.
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
    /// @notice May pause the platform and suspend an institution at once (the guardians' quorum).
    bytes32 public constant GUARDIAN_ROLE = Roles.GUARDIAN;

    /// @dev The registry whose institutions' status the roles follow (set once, at deployment).
    IParticipantRegistry private _participants;

    /// @param initialDelay Seconds a default-admin handover must wait before it can be accepted.
    /// @param initialAdmin The default admin: the consortium's timelock.
    /// @param operators The first holders of OPERATOR_ROLE (the timelock; on the embedded chain,
    /// the deployer too).
    /// @param guardians The first holders of GUARDIAN_ROLE (ConsortiumApprovals).
    constructor(uint48 initialDelay, address initialAdmin, address[] memory operators, address[] memory guardians)
        AccessControlDefaultAdminRules(initialDelay, initialAdmin)
    {
        for (uint256 i = 0; i < operators.length; ++i) {
            _grantRole(OPERATOR_ROLE, operators[i]);
        }
        for (uint256 i = 0; i < guardians.length; ++i) {
            _grantRole(GUARDIAN_ROLE, guardians[i]);
        }
        // the operator (the consortium) grants the business roles; the default admin the powers
        bytes32[8] memory business = [
            CODE_REGISTRAR_ROLE,
            ASSET_MANAGER_ROLE,
            TRUSTEE_ROLE,
            DISTRIBUTOR_ROLE,
            SECURITIES_COMPANY_ROLE,
            CUSTODIAN_ROLE,
            LENDING_AGENT_ROLE,
            DATA_PROVIDER_ROLE
        ];
        for (uint256 i = 0; i < business.length; ++i) {
            _setRoleAdmin(business[i], OPERATOR_ROLE);
        }
        _setRoleAdmin(OBSERVER_ROLE, OPERATOR_ROLE);
    }

    /// @inheritdoc IPlatformAccess
    function pause() external {
        if (!hasRole(OPERATOR_ROLE, msg.sender) && !hasRole(GUARDIAN_ROLE, msg.sender)) {
            revert PlatformAccessUnauthorized(msg.sender, GUARDIAN_ROLE);
        }
        _pause();
    }

    /// @inheritdoc IPlatformAccess
    function unpause() external {
        if (!hasRole(OPERATOR_ROLE, msg.sender)) revert PlatformAccessUnauthorized(msg.sender, OPERATOR_ROLE);
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
    function setParticipantRegistry(address registry) external {
        if (!hasRole(OPERATOR_ROLE, msg.sender)) revert PlatformAccessUnauthorized(msg.sender, OPERATOR_ROLE);
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

    /// @notice Grant `role` to `account`; only the role's admin (the default admin for OPERATOR and
    /// GUARDIAN, the operator for the rest), only a role the platform defines.
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
            || role == DATA_PROVIDER_ROLE || role == OBSERVER_ROLE || role == GUARDIAN_ROLE;
    }
}
