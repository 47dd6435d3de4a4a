// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IConfidential} from "../interfaces/IConfidential.sol";

/// @title Recipients of a sealed payload
/// @notice Whether a payload is sealed to every party that must be able to open it.
library Recipients {
    /// @notice The first of `lender`, `borrower` and `agent` that the payload is not sealed to.
    /// @param payload The sealed payload (its recipients are bounded by the caller).
    /// @param lender The lender's LEI.
    /// @param borrower The borrower's LEI.
    /// @param agent The agent's LEI, or zero when there is none.
    /// @return missing The missing party's LEI; zero when every party is a recipient.
    function firstMissing(IConfidential.Sealed calldata payload, bytes20 lender, bytes20 borrower, bytes20 agent)
        internal
        pure
        returns (bytes20 missing)
    {
        bool hasLender;
        bool hasBorrower;
        bool hasAgent = agent == bytes20(0);
        uint256 count = payload.recipients.length;
        for (uint256 i = 0; i < count; ++i) {
            bytes20 lei = payload.recipients[i].lei;
            if (lei == lender) hasLender = true;
            if (lei == borrower) hasBorrower = true;
            if (lei == agent) hasAgent = true;
        }
        if (!hasLender) return lender;
        if (!hasBorrower) return borrower;
        if (!hasAgent) return agent;
        return bytes20(0);
    }
}
