// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IMandates} from "./interfaces/IMandates.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {Dates} from "./libraries/Dates.sol";
import {PlatformControlled} from "./PlatformControlled.sol";

/// @title Mandates
/// @notice Mandates principals grant to agents, with scope, subject, dates and revocation; see
/// {IMandates}.
contract Mandates is PlatformControlled, IMandates {
    IParticipantRegistry private immutable _participants;
    mapping(bytes32 mandateId => Mandate) private _mandates;

    /// @param access_ The deployed PlatformAccess.
    /// @param participants_ The deployed ParticipantRegistry.
    constructor(IPlatformAccess access_, IParticipantRegistry participants_) PlatformControlled(access_) {
        _participants = participants_;
    }

    /// @inheritdoc IMandates
    /// @dev Who: any active institution, for itself (the principal is the caller's institution).
    function grant(bytes20 agent, Scope scope, bytes32 subject, uint32 validFrom, uint32 validUntil)
        external
        returns (bytes32 mandateId)
    {
        _requireNotPaused();
        (bytes20 principal, IParticipantRegistry.InstitutionType principalKind) = _caller();
        if (scope == Scope.None) revert MandatesInvalidScope(scope);
        if (agent == principal) revert MandatesSelfGranted(agent);
        (IParticipantRegistry.InstitutionType agentKind,) = _participants.statusOf(agent);
        if (agentKind == IParticipantRegistry.InstitutionType.None) revert MandatesUnknownAgent(agent);
        if (scope == Scope.LendingAgent && agentKind != IParticipantRegistry.InstitutionType.LendingAgent) {
            revert MandatesWrongAgentType(agent, agentKind, scope);
        }
        if (
            scope == Scope.DistributionDelegate
                && principalKind != IParticipantRegistry.InstitutionType.AssetManager
        ) revert MandatesWrongPrincipalType(principal, principalKind, scope);
        uint32 today = _today();
        if (
            !_isDate(validFrom) || (validUntil != 0 && (!_isDate(validUntil) || validUntil < validFrom))
                || (validUntil != 0 && validUntil < today)
        ) revert MandatesInvalidDates(validFrom, validUntil, today);
        mandateId = mandateIdOf(principal, agent, scope, subject);
        _mandates[mandateId] = Mandate(principal, scope, validFrom, validUntil, false, agent, subject);
        emit MandateGranted(mandateId, principal, agent, scope, subject, validFrom, validUntil);
    }

    /// @inheritdoc IMandates
    /// @dev Who: the mandate's principal, active.
    function revoke(bytes32 mandateId) external {
        _requireNotPaused();
        (bytes20 caller,) = _caller();
        Mandate storage mandate = _existing(mandateId);
        if (mandate.principal != caller) revert MandatesNotPrincipal(mandateId, mandate.principal, caller);
        if (mandate.revoked) revert MandatesAlreadyRevoked(mandateId);
        mandate.revoked = true;
        emit MandateRevoked(mandateId, caller, mandate.agent, mandate.scope, mandate.subject);
    }

    /// @inheritdoc IMandates
    function isMandated(bytes20 principal, bytes20 agent, Scope scope, bytes32 subject) external view returns (bool) {
        if (scope == Scope.None || principal == bytes20(0) || agent == bytes20(0)) return false;
        uint32 today = _today();
        bool held = _inForce(_mandates[mandateIdOf(principal, agent, scope, subject)], today)
            || (subject != bytes32(0) && _inForce(_mandates[mandateIdOf(principal, agent, scope, bytes32(0))], today));
        return held && _isActive(principal) && _isActive(agent);
    }

    /// @inheritdoc IMandates
    function getMandate(bytes32 mandateId) external view returns (Mandate memory) {
        return _existing(mandateId);
    }

    /// @inheritdoc IMandates
    function mandateIdOf(bytes20 principal, bytes20 agent, Scope scope, bytes32 subject) public pure returns (bytes32) {
        return keccak256(abi.encode(principal, agent, scope, subject));
    }

    function _existing(bytes32 mandateId) private view returns (Mandate storage mandate) {
        mandate = _mandates[mandateId];
        if (mandate.principal == bytes20(0)) revert MandatesUnknown(mandateId);
    }

    function _inForce(Mandate storage mandate, uint32 today) private view returns (bool) {
        uint32 until = mandate.validUntil;
        return mandate.principal != bytes20(0) && !mandate.revoked && mandate.validFrom <= today
            && (until == 0 || today <= until);
    }

    function _caller() private view returns (bytes20 lei, IParticipantRegistry.InstitutionType kind) {
        lei = _participants.institutionOf(msg.sender);
        IParticipantRegistry.InstitutionStatus status;
        (kind, status) = _participants.statusOf(lei);
        if (lei == bytes20(0) || status != IParticipantRegistry.InstitutionStatus.Active) {
            revert MandatesNotInstitution(msg.sender);
        }
    }

    function _isActive(bytes20 lei) private view returns (bool) {
        (, IParticipantRegistry.InstitutionStatus status) = _participants.statusOf(lei);
        return status == IParticipantRegistry.InstitutionStatus.Active;
    }

    function _today() private view returns (uint32) {
        return Dates.fromDays(block.timestamp / 1 days);
    }

    function _isDate(uint32 date) private pure returns (bool) {
        return Dates.isValid(date) && Dates.fromDays(Dates.toDays(date)) == date;
    }
}
