// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IFundRegistry} from "./IFundRegistry.sol";

/// @title A platform contract told of every definitive change of a fund
/// @notice The FundRegistry calls its listener after a change request becomes definitive and after
/// a status change, with the fund record as it now stands, so that the listener's copy of what
/// it checks (status, dates, parties) never lags behind.
interface IFundListener {
    /// @notice A fund's record changed.
    /// @param fundCode The platform fund code.
    /// @param fund The record as it now stands.
    function onFundChanged(bytes32 fundCode, IFundRegistry.Fund calldata fund) external;
}
