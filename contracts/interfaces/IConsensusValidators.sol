// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IParticipantRegistry} from "./IParticipantRegistry.sol";

/// @title The consortium's record of the chain's validators
/// @notice The network's validators (Clique signers) change by the validators' own vote on the
/// chain (`clique_propose`); this record is the platform's side of the same decision, written by
/// governance (OPERATOR_ROLE: the timelock, after the members' approvals and the delay). It names
/// each validator's signer address and the member institution that runs its node. The chain's
/// signer set decides who seals; this record is what the platform and its members agreed, and
/// `bpost network status` shows where the two differ.
interface IConsensusValidators {
    /// @notice The zero address as a validator.
    error ConsensusValidatorsZeroAddress();
    /// @notice The signer is in the record already.
    /// @param signer The signer address.
    /// @param lei The institution recorded as running it.
    error ConsensusValidatorsAlreadyRecorded(address signer, bytes20 lei);
    /// @notice The signer is not in the record.
    /// @param signer The signer address.
    error ConsensusValidatorsNotRecorded(address signer);
    /// @notice The institution named to run the validator is not an active institution.
    /// @param lei The institution given.
    /// @param status Its status (None when it is not registered).
    error ConsensusValidatorsInstitutionNotActive(bytes20 lei, IParticipantRegistry.InstitutionStatus status);
    /// @notice The record would hold more validators than allowed.
    /// @param count The number it would hold.
    /// @param maxCount The most allowed (MAX_VALIDATORS).
    error ConsensusValidatorsTooMany(uint256 count, uint256 maxCount);

    /// @notice Governance recorded a validator: the chain's signers voted it in, or are to.
    /// @param signer The validator's signer address (the account its node seals with).
    /// @param lei The member institution that runs its node.
    event ValidatorAdded(address indexed signer, bytes20 indexed lei);
    /// @notice Governance removed a validator from the record.
    /// @param signer The validator's signer address.
    /// @param lei The member institution that ran its node.
    event ValidatorRemoved(address indexed signer, bytes20 indexed lei);

    /// @notice Record a validator run by an active institution; only OPERATOR_ROLE (the timelock),
    /// also while the platform is paused (the record follows the chain, whose validators a
    /// pause does not stop).
    /// @param signer The validator's signer address, not in the record yet.
    /// @param lei The active member institution that runs its node.
    function addValidator(address signer, bytes20 lei) external;

    /// @notice Remove a validator from the record; only OPERATOR_ROLE (the timelock), also while
    /// the platform is paused (a compromised validator is removed in an emergency).
    /// @param signer A signer address in the record.
    function removeValidator(address signer) external;

    /// @notice The recorded validators and the institutions running them, in no fixed order.
    /// @return signers The signer addresses (at most MAX_VALIDATORS).
    /// @return leis The institution of each, at the same index.
    function validators() external view returns (address[] memory signers, bytes20[] memory leis);

    /// @notice Whether `signer` is in the record.
    /// @param signer The address.
    /// @return True when recorded.
    function isValidator(address signer) external view returns (bool);

    /// @notice The institution recorded as running `signer`'s node.
    /// @param signer The address.
    /// @return The LEI (zero when not recorded).
    function institutionOfValidator(address signer) external view returns (bytes20);
}
