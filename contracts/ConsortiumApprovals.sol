// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {IConsortiumApprovals} from "./interfaces/IConsortiumApprovals.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";

/// @title ConsortiumApprovals
/// @notice N-of-M approvals of the consortium's founding members over the platform's powers. The
/// platform's default admin and OPERATOR_ROLE belong to the timelock, whose only proposer is this
/// contract: no single key grants a role, admits an institution or replaces its key. Guardians
/// (GUARDIAN_ROLE here, GUARDIAN_ROLE on PlatformAccess for this contract) may pause the platform,
/// suspend an institution or cancel a proposal at once, by their own quorum; undoing any of it
/// (unpausing, reinstating) is a proposal like any other.
/// @dev Members and guardians are few (MAX_MEMBERS), so counting approvals over them is bounded.
/// The timelock administers this contract's roles and thresholds.
contract ConsortiumApprovals is AccessControl, EIP712, IConsortiumApprovals {
    /// @notice Proposes and approves changes of the platform's powers.
    bytes32 public constant MEMBER_ROLE = keccak256("MEMBER_ROLE");
    /// @notice Approves emergency actions: a pause, a suspension, a proposal's cancellation.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    /// @notice Most members, and most guardians.
    uint256 public constant MAX_MEMBERS = 16;
    /// @notice Most calls one proposal makes.
    uint256 public constant MAX_CALLS = 64;
    /// @notice The EIP-712 type of a member's approval signed off chain.
    bytes32 public constant APPROVAL_TYPEHASH = keccak256("Approval(bytes32 id)");

    /// @notice The timelock that holds the platform's powers.
    TimelockController public immutable timelock;
    IPlatformAccess private immutable _access;
    IParticipantRegistry private immutable _participants;

    /// @notice Member approvals a proposal needs.
    uint16 public threshold;
    /// @notice Guardian approvals an emergency action needs.
    uint16 public guardianThreshold;

    mapping(bytes32 id => Proposal) private _proposals;
    mapping(bytes32 id => address[]) private _targets;
    mapping(bytes32 id => bytes[]) private _payloads;
    mapping(bytes32 id => Emergency) private _emergencies;
    mapping(bytes32 id => mapping(address account => bool)) private _approved;
    mapping(bytes32 role => address[]) private _holders;
    bytes32[] private _ids;
    uint256 private _emergencyCount;

    /// @param timelock_ The timelock whose proposer this contract is (it administers this contract).
    /// @param access_ The PlatformAccess to pause.
    /// @param participants_ The ParticipantRegistry whose institutions guardians may suspend.
    /// @param members The founding members (at most MAX_MEMBERS).
    /// @param guardians The guardians (at most MAX_MEMBERS).
    /// @param threshold_ Member approvals a proposal needs (2 to the number of members).
    /// @param guardianThreshold_ Guardian approvals an emergency action needs (2 to the number of guardians).
    constructor(
        TimelockController timelock_,
        IPlatformAccess access_,
        IParticipantRegistry participants_,
        address[] memory members,
        address[] memory guardians,
        uint16 threshold_,
        uint16 guardianThreshold_
    ) EIP712("B-POST ConsortiumApprovals", "1") {
        timelock = timelock_;
        _access = access_;
        _participants = participants_;
        _grantRole(DEFAULT_ADMIN_ROLE, address(timelock_));
        for (uint256 i = 0; i < members.length; ++i) {
            _grantRole(MEMBER_ROLE, members[i]);
        }
        for (uint256 i = 0; i < guardians.length; ++i) {
            _grantRole(GUARDIAN_ROLE, guardians[i]);
        }
        _setThresholds(threshold_, guardianThreshold_);
    }

    /// @inheritdoc IConsortiumApprovals
    function propose(address[] calldata targets, bytes[] calldata payloads, string calldata description)
        external
        returns (bytes32 id)
    {
        _requireInForce(MEMBER_ROLE, msg.sender);
        uint256 n = targets.length;
        if (n == 0 || n > MAX_CALLS || payloads.length != n) {
            revert ConsortiumApprovalsInvalidCalls(n, payloads.length, MAX_CALLS);
        }
        bytes32 salt = keccak256(abi.encode(msg.sender, _ids.length));
        id = timelock.hashOperationBatch(targets, new uint256[](n), payloads, bytes32(0), salt);
        // a salt of a new count never repeats, so neither does the id
        _proposals[id] = Proposal({
            proposer: msg.sender,
            proposedAt: uint64(block.timestamp),
            readyAt: 0,
            status: ProposalStatus.Pending,
            approvals: 0,
            salt: salt,
            description: description
        });
        _targets[id] = targets;
        for (uint256 i = 0; i < n; ++i) {
            _payloads[id].push(payloads[i]); // at most MAX_CALLS
        }
        _ids.push(id);
        emit ProposalSubmitted(id, msg.sender, targets, payloads, salt, description);
        _approve(id, msg.sender);
    }

    /// @inheritdoc IConsortiumApprovals
    function approve(bytes32 id) external {
        _requireInForce(MEMBER_ROLE, msg.sender);
        _approve(id, msg.sender);
    }

    /// @inheritdoc IConsortiumApprovals
    function approveBySignature(bytes32 id, address member, bytes calldata signature) external {
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(APPROVAL_TYPEHASH, id)));
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, signature);
        if (err != ECDSA.RecoverError.NoError || recovered != member) {
            revert ConsortiumApprovalsInvalidSignature(member, recovered);
        }
        _requireInForce(MEMBER_ROLE, member);
        _approve(id, member);
    }

    /// @inheritdoc IConsortiumApprovals
    function execute(bytes32 id) external {
        Proposal storage proposal = _proposals[id];
        if (proposal.status == ProposalStatus.None) revert ConsortiumApprovalsUnknownProposal(id);
        if (proposal.status != ProposalStatus.Scheduled) revert ConsortiumApprovalsWrongStatus(id, proposal.status);
        if (block.timestamp < proposal.readyAt) {
            revert ConsortiumApprovalsNotReady(id, proposal.readyAt, uint64(block.timestamp));
        }
        proposal.status = ProposalStatus.Executed;
        emit ProposalExecuted(id, msg.sender);
        address[] memory targets = _targets[id];
        timelock.executeBatch(targets, new uint256[](targets.length), _payloads[id], bytes32(0), proposal.salt);
    }

    /// @inheritdoc IConsortiumApprovals
    function proposeEmergency(EmergencyAction action, bytes20 lei, bytes32 proposal, string calldata reason)
        external
        returns (bytes32 id)
    {
        _requireInForce(GUARDIAN_ROLE, msg.sender);
        bool valid = (action == EmergencyAction.Pause && lei == bytes20(0) && proposal == bytes32(0))
            || (action == EmergencyAction.Suspend && lei != bytes20(0) && proposal == bytes32(0))
            || (action == EmergencyAction.Cancel && lei == bytes20(0) && proposal != bytes32(0));
        if (!valid) revert ConsortiumApprovalsInvalidEmergency(action, lei, proposal);
        if (action == EmergencyAction.Cancel) _requireCancellable(proposal);
        id = keccak256(abi.encode(address(this), "emergency", _emergencyCount++));
        _emergencies[id] = Emergency({
            action: action,
            lei: lei,
            done: false,
            proposal: proposal,
            approvals: 0,
            proposer: msg.sender,
            reason: reason
        });
        emit EmergencyProposed(id, action, lei, proposal, msg.sender, reason);
        _approveEmergency(id, msg.sender);
    }

    /// @inheritdoc IConsortiumApprovals
    function approveEmergency(bytes32 id) external {
        _requireInForce(GUARDIAN_ROLE, msg.sender);
        _approveEmergency(id, msg.sender);
    }

    /// @inheritdoc IConsortiumApprovals
    function setThresholds(uint16 newThreshold, uint16 newGuardianThreshold) external {
        if (msg.sender != address(timelock)) revert ConsortiumApprovalsNotTimelock(msg.sender);
        _setThresholds(newThreshold, newGuardianThreshold);
    }

    /// @inheritdoc IConsortiumApprovals
    function getProposal(bytes32 id) external view returns (Proposal memory) {
        return _proposals[id];
    }

    /// @inheritdoc IConsortiumApprovals
    function callsOf(bytes32 id) external view returns (address[] memory targets, bytes[] memory payloads) {
        return (_targets[id], _payloads[id]);
    }

    /// @inheritdoc IConsortiumApprovals
    function getEmergency(bytes32 id) external view returns (Emergency memory) {
        return _emergencies[id];
    }

    /// @inheritdoc IConsortiumApprovals
    function hasApproved(bytes32 id, address member) external view returns (bool) {
        return _approved[id][member];
    }

    /// @inheritdoc IConsortiumApprovals
    function proposalCount() external view returns (uint256) {
        return _ids.length;
    }

    /// @inheritdoc IConsortiumApprovals
    function proposalAt(uint256 index) external view returns (bytes32) {
        return _ids[index];
    }

    /// @notice The holders of `role` (members or guardians), at most MAX_MEMBERS.
    /// @param role MEMBER_ROLE or GUARDIAN_ROLE.
    /// @return The addresses.
    function holdersOf(bytes32 role) external view returns (address[] memory) {
        return _holders[role];
    }

    function _approve(bytes32 id, address member) private {
        Proposal storage proposal = _proposals[id];
        if (proposal.status == ProposalStatus.None) revert ConsortiumApprovalsUnknownProposal(id);
        if (proposal.status != ProposalStatus.Pending) revert ConsortiumApprovalsWrongStatus(id, proposal.status);
        if (_approved[id][member]) revert ConsortiumApprovalsAlreadyApproved(id, member);
        _approved[id][member] = true;
        uint16 count = _count(id, MEMBER_ROLE);
        proposal.approvals = count;
        emit ProposalApproved(id, member, count);
        if (count < threshold) return;
        uint256 delay = timelock.getMinDelay();
        uint64 readyAt = uint64(block.timestamp + delay);
        proposal.status = ProposalStatus.Scheduled;
        proposal.readyAt = readyAt;
        emit ProposalScheduled(id, readyAt);
        address[] memory targets = _targets[id];
        timelock.scheduleBatch(targets, new uint256[](targets.length), _payloads[id], bytes32(0), proposal.salt, delay);
    }

    function _approveEmergency(bytes32 id, address guardian) private {
        Emergency storage emergency = _emergencies[id];
        if (emergency.action == EmergencyAction.None) revert ConsortiumApprovalsUnknownProposal(id);
        if (emergency.done) revert ConsortiumApprovalsEmergencyDone(id);
        if (_approved[id][guardian]) revert ConsortiumApprovalsAlreadyApproved(id, guardian);
        _approved[id][guardian] = true;
        uint16 count = _count(id, GUARDIAN_ROLE);
        emergency.approvals = count;
        emit EmergencyApproved(id, guardian, count);
        if (count < guardianThreshold) return;
        emergency.done = true;
        EmergencyAction action = emergency.action;
        emit EmergencyExecuted(id, action, emergency.lei, emergency.proposal);
        if (action == EmergencyAction.Pause) {
            if (!_access.paused()) _access.pause();
        } else if (action == EmergencyAction.Suspend) {
            _participants.suspendInstitution(emergency.lei, emergency.reason);
        } else {
            _cancel(emergency.proposal, id);
        }
    }

    function _cancel(bytes32 proposalId, bytes32 emergency) private {
        _requireCancellable(proposalId);
        Proposal storage proposal = _proposals[proposalId];
        bool scheduled = proposal.status == ProposalStatus.Scheduled;
        proposal.status = ProposalStatus.Cancelled;
        emit ProposalCancelled(proposalId, emergency);
        if (scheduled) timelock.cancel(proposalId);
    }

    function _requireCancellable(bytes32 id) private view {
        ProposalStatus status = _proposals[id].status;
        if (status == ProposalStatus.None) revert ConsortiumApprovalsUnknownProposal(id);
        if (status != ProposalStatus.Pending && status != ProposalStatus.Scheduled) {
            revert ConsortiumApprovalsWrongStatus(id, status);
        }
    }

    /// @dev Approvals of `id` by current holders of `role` in force: a member removed, or whose
    /// institution is suspended, no longer counts.
    function _count(bytes32 id, bytes32 role) private view returns (uint16 count) {
        address[] storage holders = _holders[role];
        for (uint256 i = 0; i < holders.length; ++i) {
            if (_approved[id][holders[i]] && _inForce(holders[i])) ++count;
        }
    }

    function _requireInForce(bytes32 role, address account) private view {
        if (!hasRole(role, account) || !_inForce(account)) {
            if (role == MEMBER_ROLE) revert ConsortiumApprovalsNotMember(account);
            revert ConsortiumApprovalsNotGuardian(account);
        }
    }

    /// @dev An address bound to an institution acts only while that institution is active.
    function _inForce(address account) private view returns (bool) {
        bytes20 lei = _participants.institutionOf(account);
        if (lei == bytes20(0)) return true;
        (, IParticipantRegistry.InstitutionStatus status) = _participants.statusOf(lei);
        return status == IParticipantRegistry.InstitutionStatus.Active;
    }

    function _setThresholds(uint16 threshold_, uint16 guardianThreshold_) private {
        uint256 members = _holders[MEMBER_ROLE].length;
        uint256 guardians = _holders[GUARDIAN_ROLE].length;
        if (threshold_ < 2 || threshold_ > members) revert ConsortiumApprovalsInvalidThreshold(threshold_, members);
        if (guardianThreshold_ < 2 || guardianThreshold_ > guardians) {
            revert ConsortiumApprovalsInvalidThreshold(guardianThreshold_, guardians);
        }
        threshold = threshold_;
        guardianThreshold = guardianThreshold_;
        emit ThresholdsChanged(threshold_, guardianThreshold_);
    }

    /// @dev Keeps the holder lists of members and guardians, bounded by MAX_MEMBERS.
    function _grantRole(bytes32 role, address account) internal override returns (bool granted) {
        granted = super._grantRole(role, account);
        if (granted && (role == MEMBER_ROLE || role == GUARDIAN_ROLE)) {
            uint256 count = _holders[role].length;
            if (count >= MAX_MEMBERS) revert ConsortiumApprovalsTooManyMembers(count + 1, MAX_MEMBERS);
            _holders[role].push(account);
        }
    }

    /// @dev A member or guardian leaves only while the rest still reach their threshold.
    function _revokeRole(bytes32 role, address account) internal override returns (bool revoked) {
        revoked = super._revokeRole(role, account);
        if (revoked && (role == MEMBER_ROLE || role == GUARDIAN_ROLE)) {
            address[] storage holders = _holders[role];
            for (uint256 i = 0; i < holders.length; ++i) {
                if (holders[i] == account) {
                    holders[i] = holders[holders.length - 1];
                    holders.pop();
                    break;
                }
            }
            uint16 needed = role == MEMBER_ROLE ? threshold : guardianThreshold;
            if (holders.length < needed) revert ConsortiumApprovalsInvalidThreshold(needed, holders.length);
        }
    }
}
