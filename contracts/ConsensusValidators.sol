// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

import {IConsensusValidators} from "./interfaces/IConsensusValidators.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {PlatformControlled} from "./PlatformControlled.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title ConsensusValidators
/// @notice The platform's record of the chain's validators; see {IConsensusValidators}.
/// @dev At most MAX_VALIDATORS entries, added only by governance, so the list view is bounded.
contract ConsensusValidators is PlatformControlled, IConsensusValidators {
    using EnumerableSet for EnumerableSet.AddressSet;

    /// @notice Most validators the record holds (a network description holds at most 32 nodes).
    uint256 public constant MAX_VALIDATORS = 32;

    IParticipantRegistry private immutable _participants;
    EnumerableSet.AddressSet private _signers;
    mapping(address signer => bytes20 lei) private _institutionOf;

    /// @param access_ The deployed PlatformAccess.
    /// @param participants_ The deployed ParticipantRegistry.
    constructor(IPlatformAccess access_, IParticipantRegistry participants_) PlatformControlled(access_) {
        _participants = participants_;
    }

    /// @inheritdoc IConsensusValidators
    function addValidator(address signer, bytes20 lei) external {
        _requireOperator();
        if (signer == address(0)) revert ConsensusValidatorsZeroAddress();
        if (_signers.contains(signer)) revert ConsensusValidatorsAlreadyRecorded(signer, _institutionOf[signer]);
        (, IParticipantRegistry.InstitutionStatus status) = _participants.statusOf(lei);
        if (status != IParticipantRegistry.InstitutionStatus.Active) {
            revert ConsensusValidatorsInstitutionNotActive(lei, status);
        }
        uint256 count = _signers.length();
        if (count >= MAX_VALIDATORS) revert ConsensusValidatorsTooMany(count + 1, MAX_VALIDATORS);
        _signers.add(signer); // not contained: checked above
        _institutionOf[signer] = lei;
        emit ValidatorAdded(signer, lei);
    }

    /// @inheritdoc IConsensusValidators
    function removeValidator(address signer) external {
        _requireOperator();
        if (!_signers.remove(signer)) revert ConsensusValidatorsNotRecorded(signer);
        bytes20 lei = _institutionOf[signer];
        delete _institutionOf[signer];
        emit ValidatorRemoved(signer, lei);
    }

    /// @inheritdoc IConsensusValidators
    function validators() external view returns (address[] memory signers, bytes20[] memory leis) {
        signers = _signers.values(); // at most MAX_VALIDATORS
        leis = new bytes20[](signers.length);
        for (uint256 i = 0; i < signers.length; ++i) {
            leis[i] = _institutionOf[signers[i]];
        }
    }

    /// @inheritdoc IConsensusValidators
    function isValidator(address signer) external view returns (bool) {
        return _signers.contains(signer);
    }

    /// @inheritdoc IConsensusValidators
    function institutionOfValidator(address signer) external view returns (bytes20) {
        return _institutionOf[signer];
    }

    /// @dev OPERATOR_ROLE in force (the timelock on a consortium chain); not the pause: the
    /// record follows the chain's validators, which a pause of the platform does not stop.
    function _requireOperator() private view {
        if (!_hasPlatformRole(Roles.OPERATOR, msg.sender)) {
            revert IPlatformAccess.PlatformAccessUnauthorized(msg.sender, Roles.OPERATOR);
        }
    }
}
