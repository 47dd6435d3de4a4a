// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Approvals of the consortium's members over the platform's powers
/// @notice The platform's admin and operator powers sit in a timelock whose only proposer is this
/// contract: a change of power is proposed by a member, approved by `threshold` members (by a
/// transaction or an EIP-712 signature), then scheduled on the timelock and executable by anyone
/// once its delay has passed. Two emergency actions skip the delay: pausing the platform and
/// suspending an institution take effect as soon as `guardianThreshold` guardians approve them.
interface IConsortiumApprovals {
    /// @notice Where a proposal is.
    enum ProposalStatus {
        None,
        Pending,
        Scheduled,
        Executed,
        Cancelled
    }

    /// @notice The actions guardians may take at once: stop everything, stop one institution,
    /// or stop a proposal before it executes. None of them grants a power.
    enum EmergencyAction {
        None,
        Pause,
        Suspend,
        Cancel
    }

    /// @notice A proposal as the contract holds it (its calls are read with {callsOf}).
    struct Proposal {
        address proposer;
        uint64 proposedAt;
        uint64 readyAt;
        ProposalStatus status;
        uint16 approvals;
        bytes32 salt;
        string description;
    }

    /// @notice An emergency action as the contract holds it.
    struct Emergency {
        EmergencyAction action;
        bytes20 lei;
        bool done;
        bytes32 proposal;
        uint16 approvals;
        address proposer;
        string reason;
    }

    /// @notice The caller or signer is not a member (or its institution is suspended).
    /// @param account The address.
    error ConsortiumApprovalsNotMember(address account);
    /// @notice The caller or signer is not a guardian (or its institution is suspended).
    /// @param account The address.
    error ConsortiumApprovalsNotGuardian(address account);
    /// @notice Only the timelock (the consortium itself) may change members and thresholds.
    /// @param account The caller.
    error ConsortiumApprovalsNotTimelock(address account);
    /// @notice A proposal without calls, with more than MAX_CALLS, or with targets and payloads
    /// of different lengths.
    /// @param targets The number of targets.
    /// @param payloads The number of payloads.
    /// @param maxCalls The most calls one proposal takes.
    error ConsortiumApprovalsInvalidCalls(uint256 targets, uint256 payloads, uint256 maxCalls);
    /// @notice No proposal (or emergency action) has this id.
    /// @param id The id given.
    error ConsortiumApprovalsUnknownProposal(bytes32 id);
    /// @notice The proposal is not in the status the call needs.
    /// @param id The proposal.
    /// @param status Its status.
    error ConsortiumApprovalsWrongStatus(bytes32 id, ProposalStatus status);
    /// @notice The member approved this proposal already.
    /// @param id The proposal.
    /// @param member The member.
    error ConsortiumApprovalsAlreadyApproved(bytes32 id, address member);
    /// @notice The proposal's delay has not passed: it executes at `readyAt`.
    /// @param id The proposal.
    /// @param readyAt When it may execute (seconds since the epoch).
    /// @param now_ The block's time.
    error ConsortiumApprovalsNotReady(bytes32 id, uint64 readyAt, uint64 now_);
    /// @notice The signature does not recover to the member it names.
    /// @param member The member named.
    /// @param recovered The address the signature recovers to (zero when malformed).
    error ConsortiumApprovalsInvalidSignature(address member, address recovered);
    /// @notice A threshold below two (no single key rules) or above the number of members.
    /// @param threshold The threshold.
    /// @param members The number of members (or guardians) it counts.
    error ConsortiumApprovalsInvalidThreshold(uint256 threshold, uint256 members);
    /// @notice More members (or guardians) than MAX_MEMBERS.
    /// @param count The number there would be.
    /// @param maxCount The most allowed.
    error ConsortiumApprovalsTooManyMembers(uint256 count, uint256 maxCount);
    /// @notice An emergency action without its subject: a suspension names an institution, a
    /// cancellation a proposal, a pause neither.
    /// @param action The action given.
    /// @param lei The institution given.
    /// @param proposal The proposal given.
    error ConsortiumApprovalsInvalidEmergency(EmergencyAction action, bytes20 lei, bytes32 proposal);
    /// @notice The emergency action was carried out already.
    /// @param id The emergency action.
    error ConsortiumApprovalsEmergencyDone(bytes32 id);

    /// @notice A member proposed calls for the timelock.
    /// @param id The proposal (the timelock's operation id).
    /// @param proposer The member.
    /// @param targets The contracts called, in order.
    /// @param payloads The calldata of each call.
    /// @param salt The salt that makes the operation id unique.
    /// @param description What the proposal does, in words.
    event ProposalSubmitted(
        bytes32 indexed id,
        address indexed proposer,
        address[] targets,
        bytes[] payloads,
        bytes32 salt,
        string description
    );
    /// @notice A member approved a proposal.
    /// @param id The proposal.
    /// @param member The member.
    /// @param approvals The proposal's approvals so far.
    event ProposalApproved(bytes32 indexed id, address indexed member, uint16 approvals);
    /// @notice A proposal reached its threshold and was scheduled on the timelock.
    /// @param id The proposal.
    /// @param readyAt When it may execute (seconds since the epoch).
    event ProposalScheduled(bytes32 indexed id, uint64 readyAt);
    /// @notice A scheduled proposal was executed through the timelock.
    /// @param id The proposal.
    /// @param executor Who sent the execution.
    event ProposalExecuted(bytes32 indexed id, address indexed executor);
    /// @notice Guardians cancelled a proposal before it executed.
    /// @param id The proposal.
    /// @param emergency The emergency action that cancelled it.
    event ProposalCancelled(bytes32 indexed id, bytes32 indexed emergency);
    /// @notice A guardian proposed an emergency action.
    /// @param id The emergency action.
    /// @param action What it does.
    /// @param lei The institution to suspend (zero otherwise).
    /// @param proposal The proposal to cancel (zero otherwise).
    /// @param proposer The guardian.
    /// @param reason Why, for the audit trail.
    event EmergencyProposed(
        bytes32 indexed id,
        EmergencyAction action,
        bytes20 lei,
        bytes32 proposal,
        address indexed proposer,
        string reason
    );
    /// @notice A guardian approved an emergency action.
    /// @param id The emergency action.
    /// @param guardian The guardian.
    /// @param approvals Its approvals so far.
    event EmergencyApproved(bytes32 indexed id, address indexed guardian, uint16 approvals);
    /// @notice An emergency action reached the guardian quorum and was carried out.
    /// @param id The emergency action.
    /// @param action What was done.
    /// @param lei The institution suspended (zero otherwise).
    /// @param proposal The proposal cancelled (zero otherwise).
    event EmergencyExecuted(bytes32 indexed id, EmergencyAction action, bytes20 lei, bytes32 proposal);
    /// @notice The consortium changed its thresholds.
    /// @param threshold Member approvals a proposal needs.
    /// @param guardianThreshold Guardian approvals an emergency action needs.
    event ThresholdsChanged(uint16 threshold, uint16 guardianThreshold);

    /// @notice Propose calls for the timelock; the proposer's approval counts at once.
    /// @param targets The contracts to call, in order (at most MAX_CALLS).
    /// @param payloads The calldata of each call.
    /// @param description What the proposal does, in words.
    /// @return id The proposal's id (the timelock's operation id).
    function propose(address[] calldata targets, bytes[] calldata payloads, string calldata description)
        external
        returns (bytes32 id);

    /// @notice Approve a pending proposal as a member; the approval that reaches the threshold
    /// schedules it on the timelock.
    /// @param id The proposal.
    function approve(bytes32 id) external;

    /// @notice Approve a pending proposal for `member` with its EIP-712 signature of
    /// `Approval(bytes32 id)`; anyone may send it.
    /// @param id The proposal.
    /// @param member The member who signed.
    /// @param signature The member's 65-byte signature.
    function approveBySignature(bytes32 id, address member, bytes calldata signature) external;

    /// @notice Execute a scheduled proposal once its delay has passed; anyone may send it.
    /// @param id The proposal.
    function execute(bytes32 id) external;

    /// @notice Propose an emergency action (a pause, an institution's suspension, a proposal's
    /// cancellation) as a guardian; the proposer's approval counts at once and the approval that
    /// reaches the guardian quorum carries it out at once.
    /// @param action Pause, Suspend or Cancel.
    /// @param lei The institution to suspend (zero otherwise).
    /// @param proposal The proposal to cancel, pending or scheduled (zero otherwise).
    /// @param reason Why, for the audit trail.
    /// @return id The emergency action's id.
    function proposeEmergency(EmergencyAction action, bytes20 lei, bytes32 proposal, string calldata reason)
        external
        returns (bytes32 id);

    /// @notice Approve an emergency action as a guardian; the approval that reaches the guardian
    /// quorum carries it out.
    /// @param id The emergency action.
    function approveEmergency(bytes32 id) external;

    /// @notice Change the thresholds; only the timelock (a proposal of the consortium).
    /// @param newThreshold Member approvals a proposal needs (2 to the number of members).
    /// @param newGuardianThreshold Guardian approvals an emergency action needs (2 to the number
    /// of guardians).
    function setThresholds(uint16 newThreshold, uint16 newGuardianThreshold) external;

    /// @notice A proposal's record.
    /// @param id The proposal.
    /// @return The record (status None when unknown).
    function getProposal(bytes32 id) external view returns (Proposal memory);

    /// @notice A proposal's calls.
    /// @param id The proposal.
    /// @return targets The contracts called.
    /// @return payloads The calldata of each call.
    function callsOf(bytes32 id) external view returns (address[] memory targets, bytes[] memory payloads);

    /// @notice An emergency action's record.
    /// @param id The emergency action.
    /// @return The record (action None when unknown).
    function getEmergency(bytes32 id) external view returns (Emergency memory);

    /// @notice Whether `member` approved proposal (or emergency action) `id`.
    /// @param id The proposal or emergency action.
    /// @param member The address.
    /// @return True when it approved.
    function hasApproved(bytes32 id, address member) external view returns (bool);

    /// @notice The number of proposals submitted so far.
    /// @return The count.
    function proposalCount() external view returns (uint256);

    /// @notice The id of the `index`-th proposal (0-based), for enumeration.
    /// @param index Position in submission order.
    /// @return The proposal's id.
    function proposalAt(uint256 index) external view returns (bytes32);
}
