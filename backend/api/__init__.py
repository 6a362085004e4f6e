"""The GraphQL layer: types, inputs and thin resolvers that call the services."""
