// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Distributors' subscriptions to fund data, and their receipts
/// @notice A distributor of a fund (a party of it in the FundRegistry) subscribes to the fund's
/// distribution data. Its watcher acknowledges what it received per range of blocks, not per
/// record, so an asset manager sees who has received what: a record of block B has reached every
/// subscriber whose receipts reach B.
interface ISubscriptions {
    /// @notice The caller is no operator of an active institution.
    /// @param account The caller.
    error SubscriptionsNotInstitution(address account);
    /// @notice The institution is not a distributor of the fund.
    /// @param lei The institution.
    /// @param fundCode The fund.
    error SubscriptionsNotDistributor(bytes20 lei, bytes32 fundCode);
    /// @notice Too many funds in one call.
    /// @param size The number given.
    /// @param maxSize The most allowed.
    error SubscriptionsBatchTooLarge(uint256 size, uint256 maxSize);
    /// @notice A receipt must start right after the last block acknowledged.
    /// @param lei The institution.
    /// @param fromBlock The first block of the receipt.
    /// @param receivedUpTo The last block acknowledged so far.
    error SubscriptionsGap(bytes20 lei, uint64 fromBlock, uint64 receivedUpTo);
    /// @notice A receipt's range is empty or reversed.
    /// @param fromBlock Its first block.
    /// @param toBlock Its last block.
    error SubscriptionsInvalidRange(uint64 fromBlock, uint64 toBlock);

    /// @notice An institution subscribed to a fund's distribution data.
    /// @param lei The institution.
    /// @param fundCode The fund.
    event Subscribed(bytes20 indexed lei, bytes32 indexed fundCode);
    /// @notice An institution ended its subscription to a fund's distribution data.
    /// @param lei The institution.
    /// @param fundCode The fund.
    event Unsubscribed(bytes20 indexed lei, bytes32 indexed fundCode);
    /// @notice An institution acknowledged receipt of the records of a range of blocks.
    /// @param lei The institution.
    /// @param fromBlock The range's first block.
    /// @param toBlock The range's last block.
    /// @param records The number of records received in it.
    /// @param digest The digest of what was received.
    event ReceiptAcknowledged(bytes20 indexed lei, uint64 fromBlock, uint64 toBlock, uint32 records, bytes32 digest);

    /// @notice Subscribe the caller's institution to funds it distributes.
    /// @param fundCodes At most MAX_BATCH platform fund codes.
    function subscribe(bytes32[] calldata fundCodes) external;

    /// @notice End the caller's institution's subscriptions to funds.
    /// @param fundCodes At most MAX_BATCH platform fund codes.
    function unsubscribe(bytes32[] calldata fundCodes) external;

    /// @notice Acknowledge receipt of the records of the caller's subscriptions in a block range
    /// that continues the ranges acknowledged before (it may overlap them, never leave a gap).
    /// @param fromBlock The first block of the range.
    /// @param toBlock The last block, before the current one.
    /// @param records How many records the range held for the institution.
    /// @param digest keccak256 over what was received, as the watcher computed it.
    function acknowledgeReceipt(uint64 fromBlock, uint64 toBlock, uint32 records, bytes32 digest) external;

    /// @notice Whether an institution subscribes to a fund.
    /// @param fundCode The platform fund code.
    /// @param lei The institution's LEI.
    /// @return True when it does.
    function isSubscribed(bytes32 fundCode, bytes20 lei) external view returns (bool);

    /// @notice The last block whose records an institution has acknowledged (0: none).
    /// @param lei The institution's LEI.
    /// @return The block number.
    function receivedUpTo(bytes20 lei) external view returns (uint64);
}
