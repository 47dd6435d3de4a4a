// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IConfidential} from "./interfaces/IConfidential.sol";
import {ICorporateRegistry} from "./interfaces/ICorporateRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {Roles} from "./libraries/Roles.sol";
import {PlatformControlled} from "./PlatformControlled.sol";

/// @title CorporateRegistry
/// @notice Sealed corporate information per institution; see {ICorporateRegistry}. The contract
/// reads no status: it keeps the version, its publisher and time, the commitment, a hash of the
/// recipients and a refusal.
contract CorporateRegistry is PlatformControlled, ICorporateRegistry {
    /// @notice Most entries one {publishCorporateInfo} call takes.
    uint256 public constant MAX_BATCH = 64;
    /// @notice Most recipients of one sealed payload.
    uint256 public constant MAX_ITEMS = 32;
    /// @notice Highest refusal reason (1 cannot be opened, 2 fails its authentication or
    /// commitment, 3 invalid content).
    uint8 public constant MAX_REFUSAL_REASON = 3;

    IParticipantRegistry private immutable _participants;
    mapping(bytes20 lei => CorporateState) private _states;

    /// @param access_ The deployed PlatformAccess.
    /// @param participants_ The deployed ParticipantRegistry.
    constructor(IPlatformAccess access_, IParticipantRegistry participants_) PlatformControlled(access_) {
        _participants = participants_;
    }

    /// @inheritdoc ICorporateRegistry
    function publishCorporateInfo(CorporateInput[] calldata inputs) external {
        _requireNotPaused();
        bytes20 own = _participants.isActiveOperator(msg.sender) ? _participants.institutionOf(msg.sender) : bytes20(0);
        bool operator = _hasPlatformRole(Roles.OPERATOR, msg.sender);
        if (own == bytes20(0) && !operator) revert CorporateRegistryNotAllowed(msg.sender, bytes20(0));
        if (inputs.length > MAX_BATCH) revert CorporateRegistryBatchTooLarge(inputs.length, MAX_BATCH);
        for (uint256 i = 0; i < inputs.length; ++i) {
            CorporateInput calldata input = inputs[i];
            if (input.lei != own && !operator) revert CorporateRegistryNotAllowed(msg.sender, input.lei);
            _publish(input);
        }
    }

    /// @inheritdoc ICorporateRegistry
    function refuseCorporateInfo(bytes20 lei, uint32 version, bytes20[] calldata recipients, uint8 reason)
        external
    {
        _requireNotPaused();
        if (!_participants.isActiveOperator(msg.sender)) revert CorporateRegistryNotInstitution(msg.sender);
        bytes20 caller = _participants.institutionOf(msg.sender);
        if (reason == 0 || reason > MAX_REFUSAL_REASON) revert CorporateRegistryInvalidRefusalReason(reason);
        CorporateState storage state = _states[lei];
        uint32 latest = state.version;
        if (latest == 0) revert CorporateRegistryNotPublished(lei);
        if (version != latest) revert CorporateRegistryNotLatestVersion(lei, version, latest);
        if (recipients.length > MAX_ITEMS) {
            revert CorporateRegistryTooManyRecipients(lei, recipients.length, MAX_ITEMS);
        }
        bytes32 given = keccak256(abi.encode(recipients));
        if (given != state.recipientsHash) {
            revert CorporateRegistryRecipientsMismatch(lei, version, given, state.recipientsHash);
        }
        bool found = false;
        for (uint256 i = 0; i < recipients.length; ++i) {
            if (recipients[i] == caller) found = true;
        }
        if (!found) revert CorporateRegistryNotRecipient(lei, version, caller);
        if (state.refusedBy != bytes20(0)) revert CorporateRegistryAlreadyRefused(lei, version, state.refusedBy);
        state.refusedBy = caller;
        state.refusalReason = reason;
        emit CorporateInfoRefused(lei, version, caller, reason);
    }

    /// @inheritdoc ICorporateRegistry
    function getCorporateInfo(bytes20 lei) external view returns (CorporateState memory state) {
        state = _states[lei];
        if (state.version == 0) revert CorporateRegistryNotPublished(lei);
    }

    function _publish(CorporateInput calldata input) private {
        bytes20 lei = input.lei;
        (IParticipantRegistry.InstitutionType kind,) = _participants.statusOf(lei);
        if (kind == IParticipantRegistry.InstitutionType.None) revert CorporateRegistryUnknownInstitution(lei);
        IConfidential.Recipient[] calldata recipients = input.info.recipients;
        uint256 count = recipients.length;
        if (count > MAX_ITEMS) revert CorporateRegistryTooManyRecipients(lei, count, MAX_ITEMS);
        bytes20[] memory leis = new bytes20[](count);
        bool ownerIncluded = false;
        for (uint256 i = 0; i < count; ++i) {
            leis[i] = recipients[i].lei;
            if (leis[i] == lei) ownerIncluded = true;
        }
        if (!ownerIncluded) revert CorporateRegistryOwnerNotRecipient(lei);

        CorporateState storage state = _states[lei];
        uint32 version = state.version + 1;
        state.version = version;
        state.publisher = msg.sender;
        state.commitment = input.info.commitment;
        state.recipientsHash = keccak256(abi.encode(leis));
        state.refusedBy = bytes20(0);
        state.refusalReason = 0;
        emit CorporateInfoPublished(lei, version, msg.sender, input.info);
    }
}
