// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IFundRegistry} from "./interfaces/IFundRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {ISubscriptions} from "./interfaces/ISubscriptions.sol";
import {PlatformControlled} from "./PlatformControlled.sol";

/// @title Subscriptions
/// @notice Distributors' subscriptions and receipts; see {ISubscriptions}.
contract Subscriptions is PlatformControlled, ISubscriptions {
    /// @notice Most funds one call takes.
    uint256 public constant MAX_BATCH = 256;

    IParticipantRegistry private immutable _participants;
    IFundRegistry private immutable _funds;

    mapping(bytes32 fundCode => mapping(bytes20 lei => bool)) private _subscribed;
    mapping(bytes20 lei => uint64 blockNumber) private _receivedUpTo;

    /// @param access_ The deployed PlatformAccess.
    /// @param participants_ The deployed ParticipantRegistry.
    /// @param funds_ The deployed FundRegistry (whose distributors may subscribe).
    constructor(IPlatformAccess access_, IParticipantRegistry participants_, IFundRegistry funds_)
        PlatformControlled(access_)
    {
        _participants = participants_;
        _funds = funds_;
    }

    /// @inheritdoc ISubscriptions
    function subscribe(bytes32[] calldata fundCodes) external {
        bytes20 lei = _caller(fundCodes.length);
        for (uint256 i = 0; i < fundCodes.length; ++i) {
            bytes32 code = fundCodes[i];
            if (!_distributes(code, lei)) revert SubscriptionsNotDistributor(lei, code);
            if (_subscribed[code][lei]) continue;
            _subscribed[code][lei] = true;
            emit Subscribed(lei, code);
        }
    }

    /// @inheritdoc ISubscriptions
    function unsubscribe(bytes32[] calldata fundCodes) external {
        bytes20 lei = _caller(fundCodes.length);
        for (uint256 i = 0; i < fundCodes.length; ++i) {
            bytes32 code = fundCodes[i];
            if (!_subscribed[code][lei]) continue;
            _subscribed[code][lei] = false;
            emit Unsubscribed(lei, code);
        }
    }

    /// @inheritdoc ISubscriptions
    function acknowledgeReceipt(uint64 fromBlock, uint64 toBlock, uint32 records, bytes32 digest) external {
        bytes20 lei = _caller(0);
        if (fromBlock > toBlock || toBlock >= block.number) revert SubscriptionsInvalidRange(fromBlock, toBlock);
        uint64 upTo = _receivedUpTo[lei];
        if (upTo != 0 && fromBlock > upTo + 1) revert SubscriptionsGap(lei, fromBlock, upTo);
        if (toBlock > upTo) _receivedUpTo[lei] = toBlock;
        emit ReceiptAcknowledged(lei, fromBlock, toBlock, records, digest);
    }

    /// @inheritdoc ISubscriptions
    function isSubscribed(bytes32 fundCode, bytes20 lei) external view returns (bool) {
        return _subscribed[fundCode][lei];
    }

    /// @inheritdoc ISubscriptions
    function receivedUpTo(bytes20 lei) external view returns (uint64) {
        return _receivedUpTo[lei];
    }

    function _distributes(bytes32 fundCode, bytes20 lei) private view returns (bool) {
        IFundRegistry.Party[] memory parties = _funds.partiesOf(fundCode);
        for (uint256 i = 0; i < parties.length; ++i) {
            if (parties[i].lei == lei && parties[i].role == IFundRegistry.PartyRole.Distributor) return true;
        }
        return false;
    }

    function _caller(uint256 size) private view returns (bytes20 lei) {
        _requireNotPaused();
        if (size > MAX_BATCH) revert SubscriptionsBatchTooLarge(size, MAX_BATCH);
        lei = _participants.institutionOf(msg.sender);
        (, IParticipantRegistry.InstitutionStatus status) = _participants.statusOf(lei);
        if (lei == bytes20(0) || status != IParticipantRegistry.InstitutionStatus.Active) {
            revert SubscriptionsNotInstitution(msg.sender);
        }
    }
}
