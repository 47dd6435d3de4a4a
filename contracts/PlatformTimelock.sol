// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title PlatformTimelock
/// @notice Holds the platform's default admin and OPERATOR_ROLE: every change of power waits out
/// the delay in public before it takes effect. Its proposer and executor is ConsortiumApprovals
/// (the members' N-of-M approvals); it administers itself, so no key outside it holds a power over
/// it. The delay never falls below the one it was deployed with, which is never zero.
contract PlatformTimelock is TimelockController {
    /// @notice The least delay, in seconds: the one deployed. A proposal may raise the delay,
    /// never lower it below this.
    uint256 public immutable delayFloor;

    /// @notice A timelock without a delay would let a quorum act before anyone could see it.
    error PlatformTimelockZeroDelay();

    /// @param minDelay Seconds every operation waits (more than zero).
    /// @param proposers The addresses that may schedule (and cancel): ConsortiumApprovals.
    /// @param executors The addresses that may execute: ConsortiumApprovals.
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors)
        TimelockController(minDelay, proposers, executors, address(0))
    {
        if (minDelay == 0) revert PlatformTimelockZeroDelay();
        delayFloor = minDelay;
    }

    /// @notice Seconds an operation scheduled now must wait: the delay set, never below the floor.
    /// @return The delay in seconds.
    function getMinDelay() public view override returns (uint256) {
        uint256 delay = super.getMinDelay();
        return delay < delayFloor ? delayFloor : delay;
    }
}
