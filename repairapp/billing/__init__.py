"""Money: what chargeable work costs, contract fees, payments and renewals."""
