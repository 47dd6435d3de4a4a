// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IParticipantRegistry} from "./IParticipantRegistry.sol";

/// @title Mandates: one institution acting for another
/// @notice An institution acts in another's name only under a mandate the other (the principal)
/// granted on chain: a lending agent for a lender, a delegate publishing a fund's distribution
/// data for its asset manager. A mandate names the agent, its scope, its subject (a borrower's
/// LEI, a fund code; zero for every subject of the scope) and the days it is valid; the principal
/// revokes it at any time. It is in force on a day within its dates, until revoked, while both
/// institutions are active; the contracts that let an agent act ask {isMandated}.
interface IMandates {
    /// @notice What a mandate lets its agent do for the principal.
    /// @dev LendingAgent: propose agreements (and record their movements) that bind the principal
    /// as the lender, the subject a borrower's LEI left-aligned (bytes32(bytes20(lei))) or zero;
    /// the agent is a lending agent. DistributionDelegate: publish and correct the NAVs and
    /// notices of the principal's funds, the subject a platform fund code or zero; the principal
    /// is an asset manager.
    enum Scope {
        None,
        LendingAgent,
        DistributionDelegate
    }

    /// @notice A mandate as stored. `validUntil` 0: open-ended.
    struct Mandate {
        bytes20 principal;
        Scope scope;
        uint32 validFrom;
        uint32 validUntil;
        bool revoked;
        bytes20 agent;
        bytes32 subject;
    }

    /// @notice The caller's address acts for no institution, or for one that is not active.
    /// @param account The caller.
    error MandatesNotInstitution(address account);
    /// @notice A mandate must have a scope.
    /// @param scope The scope given.
    error MandatesInvalidScope(Scope scope);
    /// @notice The agent named is no institution of the platform.
    /// @param agent The LEI named.
    error MandatesUnknownAgent(bytes20 agent);
    /// @notice An institution grants no mandate to itself.
    /// @param lei The institution.
    error MandatesSelfGranted(bytes20 lei);
    /// @notice The scope needs an agent of another type (a lending agent for LendingAgent).
    /// @param agent The agent.
    /// @param kind The agent's type.
    /// @param scope The scope.
    error MandatesWrongAgentType(bytes20 agent, IParticipantRegistry.InstitutionType kind, Scope scope);
    /// @notice The scope needs a principal of another type (an asset manager for
    /// DistributionDelegate).
    /// @param principal The principal (the caller's institution).
    /// @param kind The principal's type.
    /// @param scope The scope.
    error MandatesWrongPrincipalType(bytes20 principal, IParticipantRegistry.InstitutionType kind, Scope scope);
    /// @notice The dates are not yyyymmdd days, the last is before the first, or it is past.
    /// @param validFrom The first day given.
    /// @param validUntil The last day given (0: open-ended).
    /// @param today The chain's day.
    error MandatesInvalidDates(uint32 validFrom, uint32 validUntil, uint32 today);
    /// @notice No mandate has this id.
    /// @param mandateId The id.
    error MandatesUnknown(bytes32 mandateId);
    /// @notice Only the principal revokes its mandate.
    /// @param mandateId The mandate.
    /// @param principal The mandate's principal.
    /// @param caller The caller's institution.
    error MandatesNotPrincipal(bytes32 mandateId, bytes20 principal, bytes20 caller);
    /// @notice The mandate is revoked already.
    /// @param mandateId The mandate.
    error MandatesAlreadyRevoked(bytes32 mandateId);

    /// @notice A principal granted (or granted anew, with new dates) a mandate to an agent.
    /// @param mandateId keccak256(abi.encode(principal, agent, scope, subject)).
    /// @param principal The institution the agent acts for.
    /// @param agent The institution that acts.
    /// @param scope What the agent may do.
    /// @param subject What for (a borrower's LEI, a fund code; zero: every subject).
    /// @param validFrom The first day it is valid (yyyymmdd).
    /// @param validUntil The last day it is valid (yyyymmdd; 0: open-ended).
    event MandateGranted(
        bytes32 indexed mandateId,
        bytes20 indexed principal,
        bytes20 indexed agent,
        Scope scope,
        bytes32 subject,
        uint32 validFrom,
        uint32 validUntil
    );
    /// @notice A principal revoked its mandate: the agent no longer acts under it.
    /// @param mandateId The mandate.
    /// @param principal The principal.
    /// @param agent The agent.
    /// @param scope The mandate's scope.
    /// @param subject The mandate's subject.
    event MandateRevoked(
        bytes32 indexed mandateId, bytes20 indexed principal, bytes20 indexed agent, Scope scope, bytes32 subject
    );

    /// @notice Grant a mandate, as the principal (the caller's institution, active), or grant it
    /// anew with new dates (a revoked one too). The agent is an institution of the platform and
    /// of the type the scope needs.
    /// @param agent The agent's LEI.
    /// @param scope What the agent may do.
    /// @param subject What for (a borrower's LEI left-aligned, a fund code; zero: every subject).
    /// @param validFrom The first day it is valid (yyyymmdd).
    /// @param validUntil The last day it is valid (yyyymmdd, not before `validFrom` nor past;
    /// 0: until revoked).
    /// @return mandateId The mandate's id.
    function grant(bytes20 agent, Scope scope, bytes32 subject, uint32 validFrom, uint32 validUntil)
        external
        returns (bytes32 mandateId);

    /// @notice Revoke a mandate, as its principal (the caller's institution, active).
    /// @param mandateId The mandate.
    function revoke(bytes32 mandateId) external;

    /// @notice Whether `agent` may act for `principal` in `scope` on `subject` now: a mandate for
    /// that subject or for every subject (zero), not revoked, within its dates, with both
    /// institutions active.
    /// @param principal The principal's LEI.
    /// @param agent The agent's LEI.
    /// @param scope The scope.
    /// @param subject The subject.
    /// @return True when a mandate is in force.
    function isMandated(bytes20 principal, bytes20 agent, Scope scope, bytes32 subject) external view returns (bool);

    /// @notice A mandate.
    /// @param mandateId The mandate.
    /// @return The stored mandate; reverts when unknown.
    function getMandate(bytes32 mandateId) external view returns (Mandate memory);

    /// @notice The id of the mandate of `principal` to `agent` in `scope` on `subject`.
    /// @param principal The principal's LEI.
    /// @param agent The agent's LEI.
    /// @param scope The scope.
    /// @param subject The subject.
    /// @return keccak256(abi.encode(principal, agent, scope, subject)).
    function mandateIdOf(bytes20 principal, bytes20 agent, Scope scope, bytes32 subject)
        external
        pure
        returns (bytes32);
}
